#!/usr/bin/env node
// Prints the path of a Node.js binary that is new enough for cdp-router (22.12+).
// When the running Node is older (these machines carry Node 20), it provisions Node 24 LTS
// from the npm registry package `node-<platform>-<arch>` into .cache/node, once.
// Plain JavaScript on purpose: it must run on the old Node it replaces.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const PROVISIONED_NODE_VERSION = "24.21.0";
const MINIMUM = [22, 12];

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function isRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

export function provisionedNodePath() {
  return join(projectRoot, ".cache", "node", PROVISIONED_NODE_VERSION, "bin", "node");
}

function provision() {
  const target = provisionedNodePath();
  if (existsSync(target)) return target;
  const packageName = `node-${process.platform}-${process.arch}`;
  const versionDir = dirname(dirname(target));
  mkdirSync(dirname(versionDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(versionDir), ".staging-"));
  try {
    process.stderr.write(
      `cdp-router: provisioning Node ${PROVISIONED_NODE_VERSION} (${packageName}) into ${versionDir}\n`,
    );
    // npm pack verifies the tarball against the registry's integrity hash.
    const tarball = execFileSync(
      "npm",
      ["pack", "--silent", "--pack-destination", staging, `${packageName}@${PROVISIONED_NODE_VERSION}`],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    )
      .trim()
      .split("\n")
      .pop();
    execFileSync("tar", ["-xzf", join(staging, tarball), "-C", staging], { stdio: "inherit" });
    rmSync(versionDir, { recursive: true, force: true });
    // Rename is atomic: a half-extracted Node is never left where it would be picked up.
    renameSync(join(staging, "package"), versionDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

export function ensureNode() {
  if (isRecentEnough(process.versions.node)) return process.execPath;
  return provision();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ensureNode()}\n`);
}

// Runs `script` with `args` on a recent enough Node: in this process when it qualifies,
// otherwise in a child on the provisioned Node, forwarding signals and the exit status.
export async function runOnRecentNode(script, args) {
  if (isRecentEnough(process.versions.node)) {
    process.argv = [process.execPath, script, ...args];
    await import(pathToFileURL(script).href);
    return;
  }
  // Node's own flags (say --max-old-space-size) go to the Node that runs the script.
  const child = spawn(provision(), [...process.execArgv, script, ...args], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1);
  });
}
