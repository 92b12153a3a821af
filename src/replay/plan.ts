import { createHash } from "node:crypto";
import type { Parsed, PartitionRange } from "./range.js";

/** A replay as the user asked for it: what a stored plan is checked against when it is run again. */
export interface ReplayRequest {
  readonly topics: readonly string[];
  /** `--from` and `--to` as written: `now` means the moment the replay was first started. */
  readonly from: string;
  readonly to: string;
  /** The destinations replayed to, sorted; empty for every enabled destination. */
  readonly destinations: readonly string[];
  /** Prepended to every output topic (shadow topics); empty for the live topics. */
  readonly outputPrefix: string;
  /** Which records of the range are taken (a dead-letter re-drive's selection); absent for all of them. */
  readonly filter?: string;
}

/** A replay fixed when it first started: the request, and [start, end) per partition. */
export interface ReplayPlan {
  readonly id: string;
  readonly request: ReplayRequest;
  readonly ranges: readonly PartitionRange[];
  /** Epoch ms of the first start. */
  readonly createdAt: number;
}

const ID = /^[A-Za-z0-9._-]{1,100}$/;

/** `--id`: a name a consumer group and transactional ids can carry. */
export function checkReplayId(id: string): Parsed<string> {
  return ID.test(id)
    ? { ok: true, value: id }
    : { ok: false, error: `--id ${JSON.stringify(id)}: use 1-100 letters, digits, '.', '_' or '-'` };
}

/**
 * The id a replay gets without `--id`: derived from the request, so that running the same command
 * again resumes the same replay instead of starting another.
 */
export function defaultReplayId(request: ReplayRequest): string {
  const digest = createHash("sha256").update(canonical(request)).digest("hex").slice(0, 12);
  return `replay-${digest}`;
}

/** The consumer group a replay reads with: never the live worker's. */
export const replayGroupId = (id: string) => `cdp-router-replay-${id}`;

function canonical(request: ReplayRequest): string {
  return JSON.stringify({
    topics: [...request.topics].sort(),
    from: request.from,
    to: request.to,
    destinations: [...request.destinations].sort(),
    outputPrefix: request.outputPrefix,
    filter: request.filter ?? "",
  });
}

/** What differs between a stored replay's request and this one, in words (empty when they match). */
export function requestDifferences(stored: ReplayRequest, asked: ReplayRequest): string[] {
  const a = JSON.parse(canonical(stored)) as Record<string, unknown>;
  const b = JSON.parse(canonical(asked)) as Record<string, unknown>;
  return Object.keys(a)
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key}: stored ${JSON.stringify(a[key])}, asked ${JSON.stringify(b[key])}`);
}

/** A plan as stored (JSON; offsets as decimal strings, since JSON numbers cannot hold every offset). */
export function encodePlan(plan: ReplayPlan): string {
  return JSON.stringify({
    ...plan,
    ranges: plan.ranges.map((r) => ({ ...r, start: String(r.start), end: String(r.end) })),
  });
}

interface StoredRange {
  topic: string;
  partition: number;
  start: string;
  end: string;
}

/** Reads a stored plan back; a record that is not one is an error, never a guess. */
export function decodePlan(text: string): Parsed<ReplayPlan> {
  try {
    const raw = JSON.parse(text) as Omit<ReplayPlan, "ranges"> & { ranges: StoredRange[] };
    if (typeof raw.id !== "string" || !Array.isArray(raw.ranges) || typeof raw.request !== "object") {
      return { ok: false, error: "stored replay plan is missing its id, request or ranges" };
    }
    const ranges = raw.ranges.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      start: BigInt(r.start),
      end: BigInt(r.end),
    }));
    return { ok: true, value: { ...raw, ranges } };
  } catch (error) {
    return { ok: false, error: `stored replay plan is not readable: ${(error as Error).message}` };
  }
}
