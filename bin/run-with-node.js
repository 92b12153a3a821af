#!/usr/bin/env node
// Runs a JavaScript file on Node.js 22.12+: `node bin/run-with-node.js SCRIPT [ARGS...]`.
// Used by the npm scripts so that they work on a machine whose system Node is older.
import { resolve } from "node:path";
import { runOnRecentNode } from "../scripts/ensure-node.mjs";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write("usage: node bin/run-with-node.js SCRIPT [ARGS...]\n");
  process.exit(2);
}
await runOnRecentNode(resolve(script), args);
