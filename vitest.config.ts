import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
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
