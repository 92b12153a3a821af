#!/usr/bin/env node
// The `cdp-router` command. Plain JavaScript so that it starts on any Node, then hands over to
// the compiled CLI on Node.js 22.12+ (provisioning Node 24 when the system's is older).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runOnRecentNode } from "../scripts/ensure-node.mjs";

const entry = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write("cdp-router: dist/ is missing; run `npm ci` (or `npm run build`) first.\n");
  process.exit(2);
}
await runOnRecentNode(entry, process.argv.slice(2));
