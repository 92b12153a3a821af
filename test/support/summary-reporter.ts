import type { Reporter, SerializedError, TestModule } from "vitest/node";

/**
 * Ends every run with the plain line `N passed, N failed, N skipped` that CI reads (it does not
 * read vitest's own summary). A test file that fails to load and an unhandled error each count
 * as a failure, so that a broken run can never print `0 failed`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      let tests = 0;
      for (const test of testModule.children.allTests()) {
        tests += 1;
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
      if (tests === 0 && testModule.state() === "failed") failed += 1;
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
