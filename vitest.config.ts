import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // The property tests take 1-3 s on an idle machine and several times that while a broker
          // and workers share its 2 cores (a chaos campaign): a time limit is not what they test.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["./test/support/stack-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          // Integration files share one broker and registry on 2 cores: run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
