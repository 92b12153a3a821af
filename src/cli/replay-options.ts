import { type Command, InvalidArgumentError, Option } from "commander";
import { DESTINATION_IDS } from "../destinations/index.js";
import { UsageError } from "../ops/usage-error.js";
import { loadWorkerConfig, type WorkerConfig } from "../ops/worker-config.js";
import { resolveEndpoints } from "../stack/endpoints.js";

// What `replay` and `dlq` parse alike.

export function fail(message: string): never {
  throw new UsageError(message);
}

export const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

export function positiveNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError("expected a positive number");
  return value;
}

export function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError("expected a port");
  return value;
}

/** `--destinations`: known ids, sorted, each once; empty when not given (every enabled destination). */
export function destinationsOption(text: string | undefined): string[] {
  if (text === undefined) return [];
  const destinations = [...new Set(list(text))].sort();
  const unknown = destinations.filter((id) => !(DESTINATION_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) fail(`unknown destination(s): ${unknown.join(", ")} (known: ${DESTINATION_IDS.join(", ")})`);
  if (destinations.length === 0) fail("--destinations names no destination");
  return destinations;
}

export function outputPrefixOption(prefix: string): string {
  if (prefix !== "" && !/^[A-Za-z0-9._-]+$/.test(prefix))
    fail("--output-prefix may hold only letters, digits, '.', '_' and '-'");
  return prefix;
}

/** Like `send`: KAFKA_BROKERS / SCHEMA_REGISTRY_URL and the CDP_* variables, else the local stack's endpoints. */
export function replayWorkerConfig(): WorkerConfig {
  const local = resolveEndpoints(process.env, 1);
  return loadWorkerConfig(process.env, { brokers: local.brokers, registryUrl: local.registryUrl });
}

export const DESTINATIONS_HELP = `comma-separated destinations to send to (default: every enabled one; known: ${DESTINATION_IDS.join(", ")})`;
export const OUTPUT_PREFIX_HELP =
  "write to shadow topics <prefix><topic> (created, same schemas) instead of the live ones";
export const EXIT_CODES_HELP =
  "Exit codes: 0 done (summary JSON on stdout), 1 failed, 2 bad arguments or range, 130 interrupted (run again to resume).";

/** What a bounded run reports with, the same for `replay` and `dlq replay`: metrics port and progress interval. */
export function withReportingOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--metrics-port <port>", "serve /metrics (labelled replay=<id>) on this port; 0: off")
        .default(0)
        .argParser(port),
    )
    .addOption(
      new Option("--progress-every <seconds>", "seconds between JSON progress lines when stderr is not a terminal")
        .default(5)
        .argParser(positiveNumber),
    );
}
