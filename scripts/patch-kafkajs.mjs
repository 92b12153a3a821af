// Applies cdp-router's patches to the pinned kafkajs at install time (npm's postinstall).
// Each patched file replaces a stock file whose SHA-256 is recorded in patches/kafkajs-<v>/stock.json:
// a kafkajs of another version, or a stock file that differs, fails the install loudly instead
// of running unpatched. Plain Node (no TypeScript, no dependencies): it runs on whatever Node
// npm runs. Why each patch exists: docs/kafkajs-patch.md.
//
// The stock file is kept beside the install, under node_modules/kafkajs/.stock/, so that tests and
// `npm run bench:encode` can compare the patched encoding with stock kafkajs byte for byte.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));

function fail(message) {
  console.error(`patch-kafkajs: ${message}`);
  process.exit(1);
}

let packageJson;
try {
  packageJson = require.resolve("kafkajs/package.json");
} catch {
  fail("kafkajs is not installed; nothing to patch (run npm ci)");
}
const kafkajsDir = dirname(packageJson);
const { version } = JSON.parse(readFileSync(packageJson, "utf8"));
const patchDir = join(root, "patches", `kafkajs-${version}`);
if (!existsSync(join(patchDir, "stock.json"))) {
  fail(`kafkajs ${version} is installed, but the patches are for another version: see docs/kafkajs-patch.md`);
}
const stock = JSON.parse(readFileSync(join(patchDir, "stock.json"), "utf8"));
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

for (const [file, stockHash] of Object.entries(stock.files)) {
  const target = join(kafkajsDir, file);
  const stockCopy = join(kafkajsDir, ".stock", file);
  const patched = readFileSync(join(patchDir, file));
  const installed = readFileSync(target);
  if (installed.equals(patched)) {
    if (!existsSync(stockCopy)) {
      console.warn(`patch-kafkajs: ${file} is patched but its stock copy is missing; npm ci restores it`);
    }
    console.log(`patch-kafkajs: ${file} already patched`);
    continue;
  }
  if (sha256(installed) !== stockHash) {
    fail(
      `${file} in kafkajs ${version} is neither the stock file nor the patched one (an older patch? npm ci reinstalls it stock); refusing to run unpatched`,
    );
  }
  mkdirSync(dirname(stockCopy), { recursive: true });
  writeFileSync(stockCopy, installed);
  writeFileSync(target, patched);
  console.log(`patch-kafkajs: patched kafkajs ${version} ${file}`);
}
