import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface JavaRuntime {
  readonly path: string;
  readonly major: number;
}

/** `java -version` prints e.g. `openjdk version "17.0.15"` or `"1.8.0_402"` on stderr. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

function probe(path: string): JavaRuntime | undefined {
  // `java -version` writes its banner to stderr.
  const result = spawnSync(path, ["-version"], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  if (result.error || result.status !== 0) return undefined;
  const major = parseJavaMajor(result.stderr);
  return major === undefined ? undefined : { path, major };
}

/**
 * Java runtimes in order of preference: CDP_STACK_JAVA_HOME, JAVA_HOME, `java` on PATH, then the
 * JDKs installed side by side under /usr/lib/jvm (Debian) or /opt/java.
 */
export function candidateJavas(env: NodeJS.ProcessEnv): string[] {
  const candidates: string[] = [];
  for (const home of [env.CDP_STACK_JAVA_HOME, env.JAVA_HOME]) {
    if (home) candidates.push(join(home, "bin", "java"));
  }
  candidates.push("java");
  for (const root of ["/usr/lib/jvm", "/opt/java"]) {
    if (!existsSync(root)) continue;
    for (const entry of readdirSync(root).sort()) candidates.push(join(root, entry, "bin", "java"));
  }
  return [...new Set(candidates)];
}

/** The first runtime, in order of preference, whose major version is at least `minimumMajor`. */
export function findJava(env: NodeJS.ProcessEnv, minimumMajor: number): JavaRuntime | undefined {
  for (const candidate of candidateJavas(env)) {
    if (candidate !== "java" && !existsSync(candidate)) continue;
    const runtime = probe(candidate);
    if (runtime && runtime.major >= minimumMajor) return runtime;
  }
  return undefined;
}
