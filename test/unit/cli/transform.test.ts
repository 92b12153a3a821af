import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

// `cdp-router transform` as a user runs it: the compiled CLI in a child process (npm test builds first).

const run = promisify(execFile);
const CLI = new URL("../../../bin/cdp-router.js", import.meta.url).pathname;

interface Line {
  line: number;
  outcome: string;
  destination?: string;
  topic?: string;
  key?: string;
  value?: Record<string, unknown>;
  warnings?: string[];
  reason?: string;
  code?: string;
  message?: string;
}

async function transform(input: string | Buffer, args: string[] = []): Promise<{ lines: Line[]; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "cdp-transform-"));
  const file = join(dir, "events.ndjson");
  writeFileSync(file, input);
  const { stdout, stderr } = await run(process.execPath, [
    CLI,
    "transform",
    file,
    "--record-time",
    "2026-01-01T00:00:00Z",
    ...args,
  ]);
  return {
    lines:
      stdout.trim() === ""
        ? []
        : stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Line),
    stderr,
  };
}

const INPUT = [
  JSON.stringify({
    type: "group",
    userId: "u1",
    groupId: "acme",
    messageId: "m1",
    traits: { name: "Acme", created_at: 1424730535 },
  }),
  "this is not json",
  JSON.stringify({ type: "track", event: "Order Completed" }),
  "",
  JSON.stringify({ type: "track", event: "Delete Object", properties: { objectId: "acme" } }),
  JSON.stringify({ type: "group", groupId: "" }),
  JSON.stringify({ type: "group", userId: "u1", groupId: "acme", messageId: "m1" }),
].join("\n");

/** A configuration routing to Customer.io alone, so the line-by-line expectations stay readable. */
function customerioOnly(): string {
  const file = join(mkdtempSync(join(tmpdir(), "cdp-config-")), "customerio.json");
  writeFileSync(file, JSON.stringify({ destinations: { enabled: ["customerio"] } }));
  return file;
}

describe("cdp-router transform", () => {
  let result: { lines: Line[]; stderr: string };
  beforeAll(async () => {
    result = await transform(INPUT, ["--config", customerioOnly()]);
  });

  it("routes to every destination by default, one line per record", async () => {
    const all = await transform(INPUT.split("\n")[0] ?? "");
    expect(all.lines.map((l) => l.destination)).toEqual([
      "customerio",
      "mixpanel",
      "mixpanel",
      "intercom",
      "hubspot",
      "amplitude",
      "amplitude",
      "warehouse",
      "warehouse",
    ]);
    expect(all.stderr).toContain("records: amplitude 2, customerio 1, hubspot 1, intercom 1, mixpanel 2, warehouse 2");
  });

  it("prints one NDJSON line per outcome with the 1-based input line", () => {
    expect(result.lines.map((l) => [l.line, l.outcome])).toEqual([
      [1, "routed"],
      [2, "dead_letter"],
      [3, "skipped"],
      [5, "routed"],
      [6, "dead_letter"],
      [7, "skipped"],
    ]);
  });

  it("gives routed lines their destination, topic, key, plain-JSON value and warnings", () => {
    expect(result.lines[0]).toMatchObject({
      destination: "customerio",
      topic: "cdp.dest.customerio",
      key: "1:acme",
      warnings: [],
      value: {
        action: "identify",
        attributes: { name: "Acme", created_at: 1424730535 },
        event_time: Date.UTC(2026, 0, 1),
      },
    });
  });

  it("turns a line that is not JSON into a malformed_json dead letter, with code and message", () => {
    expect(result.lines[1]).toMatchObject({ outcome: "dead_letter", code: "malformed_json" });
    expect(result.lines[1]?.message).toMatch(/not JSON/);
    expect(result.lines[4]).toMatchObject({ code: "missing_group_id" });
  });

  it("gives skipped lines their reason", () => {
    expect(result.lines[2]).toMatchObject({ reason: "not_semantic" });
    expect(result.lines[5]).toMatchObject({ reason: "duplicate" });
  });

  it("writes a summary of counts to stderr that balances", () => {
    expect(result.stderr).toContain("6 input(s): 2 routed, 2 skipped, 2 dead-lettered");
    expect(result.stderr).toContain("records: customerio 2");
    expect(result.stderr).toContain("1 blank line(s) ignored");
  });

  it("reads standard input with - and handles CRLF line ends and invalid UTF-8 bytes", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${JSON.stringify({ type: "group", groupId: "g" })}\r\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
    ]);
    const child = execFile(process.execPath, [
      CLI,
      "transform",
      "-",
      "--record-time",
      "0",
      "--config",
      customerioOnly(),
    ]);
    child.stdin?.end(bytes);
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    await new Promise((resolve) => child.on("close", resolve));
    const lines = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.outcome)).toEqual(["routed", "dead_letter"]);
    expect(lines[1]?.code).toBe("invalid_encoding");
  });

  it("takes --config and refuses a bad one with a clear error and exit status 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cdp-config-"));
    writeFileSync(
      join(dir, "good.json"),
      JSON.stringify({
        objectTypes: { "2": "school" },
        dedupe: { windowSize: 0 },
        destinations: { enabled: ["customerio"] },
      }),
    );
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ limits: { maxDepth: "deep" } }));
    const repeated = `${INPUT.split("\n")[0]}\n${INPUT.split("\n")[0]}\n`;
    const good = await transform(repeated, ["--config", join(dir, "good.json")]);
    expect(good.lines.map((l) => l.outcome)).toEqual(["routed", "routed"]);
    await expect(transform(repeated, ["--config", join(dir, "bad.json")])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("limits.maxDepth must be a whole number"),
    });
  });
});
