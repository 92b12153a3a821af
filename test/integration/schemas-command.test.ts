import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { RegistryAdmin } from "../../src/avro/schema-registry.js";
import { SCHEMAS_DIR } from "../../src/avro/schemas.js";

// `cdp-router schemas register` and `schemas check` as a user runs them, against the real registry.
// They work on copies of the shipped schemas under unique topic names, so that the incompatible
// change below never touches the real subjects.

const run = promisify(execFile);
const CLI = new URL("../../bin/cdp-router.js", import.meta.url).pathname;
const TOPICS = ["cdp.dest.customerio", "cdp.dest.mixpanel", "cdp.dlq"];

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      CLI,
      "schemas",
      ...args,
      "--registry",
      inject("schemaRegistryUrl"),
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function schemaDir(prefix: string, edit?: (schema: { fields: object[] }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "cdp-schemas-"));
  for (const topic of TOPICS) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, `${topic}.avsc`), "utf8"));
    if (edit && topic === "cdp.dest.customerio") edit(schema);
    writeFileSync(join(dir, `${prefix}.${topic}.avsc`), JSON.stringify(schema, null, 2));
  }
  return dir;
}

describe("cdp-router schemas register / check against the registry", () => {
  const prefix = `test${Date.now().toString(36)}`;
  const subject = `${prefix}.cdp.dest.customerio-value`;
  let original: string;

  beforeAll(async () => {
    original = schemaDir(prefix);
  });

  it("check says new, register registers with BACKWARD, and both are idempotent", async () => {
    const before = await cli("check", "--dir", original);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(new RegExp(`${subject.replace(/\./g, "\\.")}\\s+new`));

    const first = await cli("register", "--dir", original);
    expect(first.code).toBe(0);
    expect(first.stdout.match(/registered/g)).toHaveLength(TOPICS.length);
    const second = await cli("register", "--dir", original);
    expect(second.stdout.match(/unchanged/g)).toHaveLength(TOPICS.length);
    const ids = (out: string) => [...out.matchAll(/id (\d+)/g)].map((m) => m[1]);
    expect(ids(second.stdout)).toEqual(ids(first.stdout));

    const admin = new RegistryAdmin(inject("schemaRegistryUrl"));
    expect(await admin.compatibility(subject)).toBe("BACKWARD");
    expect((await cli("check", "--dir", original)).stdout.match(/unchanged/g)).toHaveLength(TOPICS.length);
  });

  it("check refuses an incompatible change (a required field without a default) with exit 1 and a reason; register is refused too", async () => {
    const incompatible = schemaDir(prefix, (schema) => {
      schema.fields.push({ name: "tenant", type: "string", doc: "A new required field." });
    });
    const check = await cli("check", "--dir", incompatible);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`${subject.replace(/\./g, "\\.")}\\s+incompatible: .*tenant`));
    expect(check.stderr).toMatch(/not BACKWARD compatible/);

    const register = await cli("register", "--dir", incompatible);
    expect(register.code).toBe(1);
    expect(register.stderr).toMatch(/registering .*customerio-value: HTTP 409/);
    expect(register.stderr).toMatch(/CDP_ERR_REGISTRY_INCOMPATIBLE/);
  });

  it("accepts a compatible change (an optional field with a default) and registers it as a new version", async () => {
    const compatible = schemaDir(prefix, (schema) => {
      schema.fields.push({ name: "tenant", type: ["null", "string"], default: null, doc: "A new optional field." });
    });
    const check = await cli("check", "--dir", compatible);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`${subject.replace(/\./g, "\\.")}\\s+compatible`));
    const register = await cli("register", "--dir", compatible);
    expect(register.stdout).toMatch(new RegExp(`${subject.replace(/\./g, "\\.")}\\s+registered`));
    const latest = await new RegistryAdmin(inject("schemaRegistryUrl")).latest(subject);
    expect(latest?.version).toBe(2);
  });

  it("fails clearly when the registry cannot be reached", async () => {
    const { code, stderr } = await run(process.execPath, [
      CLI,
      "schemas",
      "check",
      "--dir",
      original,
      "--registry",
      "http://127.0.0.1:9/apis/ccompat/v7",
    ]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/unreachable/);
  });
});
