import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { loggingDependencies } from "./kafka-config.js";

const run = promisify(execFile);

interface MavenDependency {
  group: string;
  artifact: string;
  version: string;
}

function pom(dependencies: MavenDependency[]): string {
  const deps = dependencies
    .map(
      (d) =>
        `    <dependency><groupId>${d.group}</groupId><artifactId>${d.artifact}</artifactId><version>${d.version}</version></dependency>`,
    )
    .join("\n");
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cdp-router</groupId>
  <artifactId>stack-artifacts</artifactId>
  <version>1</version>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

async function maven(args: string[], cwd: string): Promise<void> {
  try {
    await run("mvn", ["-B", "-q", ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const detail = error instanceof Error && "stdout" in error ? String(error.stdout) : String(error);
    throw new Error(
      `Maven could not resolve the stack's artifacts (is Maven installed and Maven Central reachable?)\n${detail}`,
    );
  }
}

/**
 * Builds `target` through a staging folder renamed into place at the end, so an interrupted
 * download never leaves a half-filled folder that a later run would take as complete.
 */
async function materialise(
  target: string,
  onDownload: () => void,
  build: (staging: string) => Promise<void>,
): Promise<string> {
  if (existsSync(join(target, ".complete"))) return target;
  onDownload();
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await build(staging);
    writeFileSync(join(staging, ".complete"), new Date().toISOString());
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

/** Resolves Maven artifacts with their runtime dependencies into `<artifactsDir>/<name>/lib`. */
async function resolveLibraries(
  artifactsDir: string,
  name: string,
  dependencies: MavenDependency[],
  onDownload: () => void,
): Promise<string> {
  const home = await materialise(join(artifactsDir, name), onDownload, async (staging) => {
    writeFileSync(join(staging, "pom.xml"), pom(dependencies));
    await maven(["dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=lib"], staging);
  });
  return join(home, "lib");
}

/** Resolves `org.apache.kafka:kafka_2.13:<version>` and its runtime dependencies; returns the lib folder. */
export function resolveKafka(artifactsDir: string, version: string, onDownload: () => void): Promise<string> {
  const kafka = { group: "org.apache.kafka", artifact: "kafka_2.13", version };
  return resolveLibraries(artifactsDir, `kafka-${version}`, [kafka, ...loggingDependencies(version)], onDownload);
}

/**
 * Resolves `org.apache.kafka:kafka-tools:<version>` (ProducerPerformance, the reference producer
 * of `npm run bench:worker`) and its runtime dependencies; returns the lib folder.
 */
export function resolveKafkaTools(artifactsDir: string, version: string, onDownload: () => void): Promise<string> {
  const tools = { group: "org.apache.kafka", artifact: "kafka-tools", version };
  return resolveLibraries(artifactsDir, `kafka-tools-${version}`, [tools, ...loggingDependencies(version)], onDownload);
}

/**
 * Resolves Apicurio Registry (`apicurio-registry-app`, classifier `all`) and returns the jar to run:
 * 3.1+ ship a Quarkus fast-jar (`quarkus-run.jar`), 3.0.x an uber `*-runner.jar`.
 */
export async function resolveApicurio(artifactsDir: string, version: string, onDownload: () => void): Promise<string> {
  const home = await materialise(join(artifactsDir, `apicurio-${version}`), onDownload, async (staging) => {
    await maven(
      [
        "dependency:copy",
        `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
        "-DoutputDirectory=download",
        "-Dmdep.stripVersion=true",
      ],
      staging,
    );
    const [archive] = readdirSync(join(staging, "download"));
    if (!archive) throw new Error(`Maven resolved no archive for apicurio-registry-app ${version}`);
    await run("tar", ["-xzf", join(staging, "download", archive), "-C", staging]);
    rmSync(join(staging, "download"), { recursive: true, force: true });
    runnableJar(staging, version);
  });
  return runnableJar(home, version);
}

function runnableJar(home: string, version: string): string {
  if (existsSync(join(home, "quarkus-run.jar"))) return join(home, "quarkus-run.jar");
  const runner = readdirSync(home).find((name) => name.endsWith("-runner.jar"));
  if (!runner)
    throw new Error(`apicurio-registry-app ${version} (all) holds neither quarkus-run.jar nor a *-runner.jar`);
  return join(home, runner);
}
