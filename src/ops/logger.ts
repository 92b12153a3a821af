import { type Logger, pino } from "pino";

/** Secrets never reach a log line, wherever they sit in what is logged. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "*.*.*.password",
  "*.key",
  "*.*.key",
  "*.*.*.key",
  "headers.authorization",
  "*.headers.authorization",
];

/** The one logger: JSON lines on stdout (pino), secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: "cdp-router" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
