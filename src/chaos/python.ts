import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
/** The project's folder (the campaign's run folders and virtualenv live under its .cache). */
export const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VENV = join(PROJECT_ROOT, ".cache", "chaos-venv");
/** librdkafka (inside the confluent-kafka wheel) and fastavro: the independent producer and reader. */
const PACKAGES = ["confluent-kafka==2.16.1", "fastavro==1.13.1"];
export const CHAOS_SCRIPTS = join(PROJECT_ROOT, "chaos");

/** A Python with confluent-kafka and fastavro, in a git-ignored virtualenv made once (from PyPI). */
export async function ensureChaosPython(say: (line: string) => void): Promise<string> {
  const python = join(VENV, "bin", "python");
  const check = "import confluent_kafka, fastavro; print(confluent_kafka.__version__, fastavro.__version__)";
  const ready =
    existsSync(python) && spawnSync(python, ["-c", check], { encoding: "utf8" }).stdout.trim() === "2.16.1 1.13.1";
  if (!ready) {
    say(`installing ${PACKAGES.join(", ")} into ${VENV} (once)`);
    await run("python3", ["-m", "venv", VENV]);
    await run(join(VENV, "bin", "pip"), ["install", "--quiet", ...PACKAGES], { maxBuffer: 16 * 1024 * 1024 });
  }
  return python;
}
