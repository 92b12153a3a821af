import { Command, InvalidArgumentError } from "commander";
import { runFuzz } from "./fuzz-run.js";

// `npm run fuzz -- [--count N] [--seed S]`: hostile inputs through the worker's transform (every
// stage, the Avro encoder, dead letters). One line of figures; exit 1 on any defect, with the
// first failures (index, kind, problem, the input's first bytes) so each can be reproduced.

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("a whole number of at least 1");
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff)
    throw new InvalidArgumentError("a whole number from 0 to 4294967295");
  return n;
}

const options = new Command("fuzz")
  .option("--count <n>", "hostile inputs to run", positiveInteger, 100_000)
  .option("--seed <n>", "seed of the inputs (printed, to rerun a failure)", seed, Math.floor(Math.random() * 2 ** 32))
  .parse()
  .opts<{ count: number; seed: number }>();

console.log(`fuzz: seed ${options.seed}, ${options.count} inputs, Node ${process.version}`);
const report = runFuzz({
  count: options.count,
  seed: options.seed,
  onProgress: (done) => {
    if (done % 100_000 === 0) console.log(`fuzz: ${done} inputs`);
  },
});
const kinds = Object.entries(report.byKind)
  .map(([kind, n]) => `${kind} ${n}`)
  .join(", ");
const codes = Object.entries(report.deadLetters)
  .sort((a, b) => b[1] - a[1])
  .map(([code, n]) => `${code} ${n}`)
  .join(", ");
console.log(`fuzz: inputs by kind: ${kinds}`);
console.log(`fuzz: dead letters by code: ${codes}`);
for (const failure of report.failures.slice(0, 10))
  console.log(
    `fuzz: failure at index ${failure.index} (${failure.kind}): ${failure.problem}\n      input (base64, first 300 bytes): ${failure.sample}`,
  );
console.log(
  `fuzz: ${report.failureCount === 0 ? "passed" : "FAILED"}: seed=${report.seed} inputs=${report.inputs} seconds=${report.seconds.toFixed(1)} ` +
    `rate=${Math.round(report.inputs / report.seconds)}/s routed=${report.outcomes.routed} skipped=${report.outcomes.skipped} ` +
    `dead_lettered=${report.outcomes.dead_letter} records_encoded=${report.recordsEncoded} failures=${report.failureCount}`,
);
process.exitCode = report.failureCount === 0 ? 0 : 1;
