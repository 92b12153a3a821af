import type { Reporter, SerializedError, TestModule, TestSuite } from "vitest/node";

/**
 * Ends every run with the plain line `N passed, N failed, N skipped` that CI reads (it does not
 * read vitest's own summary). A file that fails to load, a suite whose hook failed (its tests are
 * then reported as skipped) and an unhandled error each count as a failure, so a broken run can
 * never print `0 failed`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
      const containers: Array<TestModule | TestSuite> = [testModule, ...testModule.children.allSuites()];
      for (const container of containers) {
        if (container.state() === "failed" && !hasFailedTest(container) && !hasFailedSuite(container)) failed += 1;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

/** The failure is counted once, at the innermost failed suite. */
function hasFailedSuite(container: TestModule | TestSuite): boolean {
  for (const suite of container.children.allSuites()) {
    if (suite.state() === "failed") return true;
  }
  return false;
}

function hasFailedTest(container: TestModule | TestSuite): boolean {
  for (const test of container.children.allTests()) {
    if (test.result().state === "failed") return true;
  }
  return false;
}
