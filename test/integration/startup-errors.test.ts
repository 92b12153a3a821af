import { describe, expect, inject, it } from "vitest";
import { cli } from "../support/cli.js";
import { uniqueTopic } from "../support/kafka.js";

// Start-up against the real broker and registry: an error no retry cures ends the worker at
// once with exit 1 and its operational code (docs/errors.md), instead of a retry loop that looks
// like an outage.

describe("worker start-up: operational errors", () => {
  it("a registry that refuses the requests (a wrong API path: HTTP 404) exits 1 with CDP_ERR_REGISTRY_REFUSED", async () => {
    const wrongPath = inject("schemaRegistryUrl").replace(/\/apis\/ccompat\/v7\/?$/, "/apis/no-such-api/v7");
    expect(wrongPath).not.toBe(inject("schemaRegistryUrl"));
    const run = await cli(
      ["run"],
      {
        KAFKA_BROKERS: inject("kafkaBrokers").join(","),
        SCHEMA_REGISTRY_URL: wrongPath,
        CDP_INPUT_TOPICS: uniqueTopic("startup-errors"),
        CDP_GROUP_ID: uniqueTopic("startup-errors-group"),
      },
      undefined,
      60_000,
    );
    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/CDP_ERR_REGISTRY_REFUSED: the schema registry refused the request \(HTTP 404/);
    expect(run.output).not.toMatch(/registering schemas failed; retrying/);
  });
});
