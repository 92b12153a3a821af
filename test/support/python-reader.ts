import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VENV = join(ROOT, ".cache", "python-reader");
export const FASTAVRO_VERSION = "1.13.1";
const PYTHON = join(VENV, "bin", "python");
const READER = fileURLToPath(new URL("./avro_reader.py", import.meta.url));

/** A Python with fastavro, in a git-ignored virtualenv made once (from PyPI). */
export async function ensurePythonReader(): Promise<string> {
  const ready =
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ["-c", `import fastavro; assert fastavro.__version__ == "${FASTAVRO_VERSION}"`]).status === 0;
  if (!ready) {
    await run("python3", ["-m", "venv", VENV]);
    await run(join(VENV, "bin", "pip"), ["install", "--quiet", `fastavro==${FASTAVRO_VERSION}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  return PYTHON;
}

/** Decodes Confluent-framed records with fastavro, fetching writer schemas by id from the registry. */
export async function decodeWithFastavro(
  registryUrl: string,
  framed: Buffer[],
): Promise<Array<{ schema_id: number; value: unknown }>> {
  const python = await ensurePythonReader();
  const input = framed.map((bytes) => JSON.stringify({ hex: bytes.toString("hex") })).join("\n");
  const child = execFile(python, [READER, registryUrl], { maxBuffer: 256 * 1024 * 1024 });
  child.stdin?.end(`${input}\n`);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the fastavro reader failed (${code}): ${stderr}`);
  return stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { schema_id: number; value: unknown });
}
