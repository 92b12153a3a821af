import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  type CompareOptions,
  describeSummary,
  type PairFigures,
  pairPlacements,
  parseCompareArgs,
  readMetric,
  summarise,
} from "./compare-plan.js";

// `npm run bench:compare -- REVISION [transform|pipeline] [PAIRS] [EVENTS]`: the working tree's
// build against REVISION's, in pairs run at the same moment, one build per core, swapping cores
// between pairs (see compare-plan.ts for why). REVISION is exported with `git archive` into
// .cache/compare/<commit> and built there with this checkout's node_modules (a warning says so
// when its package-lock.json differs).

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));

function git(args: string[]): string {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** REVISION's tree exported and built once; later comparisons reuse it. */
function buildBase(commit: string, script: string): string {
  const dir = join(root, ".cache", "compare", commit);
  if (existsSync(join(dir, script))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync("git", ["archive", "--format=tar", commit], { cwd: root, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr.toString().trim()}`);
  const unpack = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (unpack.status !== 0) throw new Error(`tar: ${unpack.stderr.toString().trim()}`);
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const tsc = spawnSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0 || !existsSync(join(dir, script))) {
    throw new Error(`building ${commit} failed (or it has no ${script}):\n${tsc.stdout}${tsc.stderr}`);
  }
  return dir;
}

function hasTaskset(): boolean {
  return spawnSync("taskset", ["-c", "0", "true"]).status === 0;
}

async function runBench(dir: string, options: CompareOptions, core: number | undefined): Promise<number> {
  const command = [process.execPath, join(dir, options.bench.script), ...options.bench.args(options.events)];
  const [file, ...args] = core === undefined ? command : ["taskset", "-c", String(core), ...command];
  const { stdout } = await run(file as string, args, { cwd: dir, maxBuffer: 1 << 26 });
  return readMetric(stdout, options.bench.metric);
}

async function main(): Promise<void> {
  const parsed = parseCompareArgs(process.argv.slice(2));
  if ("error" in parsed) {
    console.error(parsed.error);
    process.exitCode = 2;
    return;
  }
  const options = parsed;
  const commit = git(["rev-parse", "--verify", `${options.base}^{commit}`]);
  const head = `${git(["rev-parse", "--short", "HEAD"])}${git(["status", "--porcelain", "--", "src"]) ? " + uncommitted changes" : ""}`;
  if (spawnSync("git", ["diff", "--quiet", commit, "--", "package-lock.json"], { cwd: root }).status !== 0) {
    console.warn(
      `note: package-lock.json differs at ${commit.slice(0, 7)}; its build runs on this checkout's node_modules`,
    );
  }
  const baseDir = buildBase(commit, options.bench.script);
  const pinned = availableParallelism() >= 2 && hasTaskset();
  const placements = pairPlacements(options.pairs, pinned ? 2 : 1);
  console.log(
    `bench:compare ${options.bench.id}, ${options.events} events: head (${head}) against base ${commit.slice(0, 7)}, ` +
      `${options.pairs} pairs, ${pinned ? "at the same moment on cores 0 and 1, swapped every other pair" : "one after the other (fewer than 2 cores, or no taskset)"}`,
  );
  const figures: PairFigures[] = [];
  for (const [index, placement] of placements.entries()) {
    const [base, headFigure] = pinned
      ? await Promise.all([runBench(baseDir, options, placement.baseCore), runBench(root, options, placement.headCore)])
      : [await runBench(baseDir, options, undefined), await runBench(root, options, undefined)];
    figures.push({ base, head: headFigure });
    const where = pinned ? ` (base on core ${placement.baseCore}, head on core ${placement.headCore})` : "";
    console.log(`  pair ${index + 1}${where}: base ${base}, head ${headFigure} ${options.bench.unit}`);
  }
  const summary = summarise(figures, options.bench.better);
  console.log(describeSummary(summary, options.bench));
  console.log(
    JSON.stringify({ bench: options.bench.id, base: commit, head, events: options.events, figures, ...summary }),
  );
}

await main().catch((error: unknown) => {
  console.error(`bench:compare: ${(error as Error).message}`);
  process.exitCode = 1;
});
