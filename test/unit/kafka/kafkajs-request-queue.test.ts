import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

// kafkajs's request queue schedules a check of its pending requests with a delay of "until the
// throttle ends", negative when nothing throttles it; Node 24 warns about such a timer (a
// TimeoutNegativeWarning, once per process: every process that uses kafkajs printed it) and runs
// it after 1 ms.
// The install-time patch asks for the 1 ms itself (docs/kafkajs-patch.md).

const require = createRequire(import.meta.url);
const kafkajsDir = dirname(require.resolve("kafkajs/package.json"));
const FILE = join(kafkajsDir, "src/network/requestQueue/index.js");
const STOCK = join(kafkajsDir, ".stock/src/network/requestQueue/index.js");

// Node warns once per process, so each check runs in a process of its own. The source given is
// compiled as the installed file (its relative requires reach the installed kafkajs), so the
// stock source can be run beside the patched one.
const CHILD = `
const Module = require("node:module");
const { readFileSync } = require("node:fs");
const [file, source] = process.argv.slice(1);
const warnings = [];
process.on("warning", (warning) => warnings.push(warning.name));
const module_ = new Module(file, null);
module_.filename = file;
module_.paths = Module._nodeModulePaths(require("node:path").dirname(file));
module_._compile(readFileSync(source, "utf8"), file);
const RequestQueue = module_.exports;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30000, clientId: "t", logger: silent });
let checked = false;
queue.checkPendingRequests = () => { checked = true; };
queue.scheduleCheckPendingRequests();
setTimeout(() => { queue.destroy(); console.log(JSON.stringify({ warnings, checked })); }, 50);
`;

/** Schedules the unthrottled check once, with the given source of the file; what Node warned about, and whether the check ran. */
function scheduleOnce(source: string): { warnings: string[]; checked: boolean } {
  const child = spawnSync(process.execPath, ["-e", CHILD, FILE, source], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`the check exited ${child.status}: ${child.stderr}`);
  return JSON.parse(child.stdout) as { warnings: string[]; checked: boolean };
}

describe("kafkajs patch: the request queue's unthrottled check", () => {
  it("runs without a TimeoutNegativeWarning", () => {
    const { warnings, checked } = scheduleOnce(FILE);
    expect(checked).toBe(true);
    expect(warnings).not.toContain("TimeoutNegativeWarning");
  });

  it.runIf(Number(process.versions.node.split(".")[0]) >= 24)(
    "is what stock kafkajs warned about on Node 24 (so the test above can fail)",
    () => {
      const { warnings, checked } = scheduleOnce(STOCK);
      expect(checked).toBe(true);
      expect(warnings).toContain("TimeoutNegativeWarning");
    },
  );
});
