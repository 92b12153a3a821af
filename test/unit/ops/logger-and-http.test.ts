import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../../src/ops/http-server.js";
import { createLogger } from "../../../src/ops/logger.js";
import { WorkerMetrics } from "../../../src/ops/metrics.js";

describe("logs: JSON lines with secrets redacted", () => {
  it("never writes a password or a TLS key", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info(
      {
        config: {
          kafka: { sasl: { username: "u", password: "hunter2" }, tls: { key: "PRIVATE" } },
          registry: { password: "s3cret" },
        },
      },
      "started",
    );
    const line = lines.join("");
    expect(JSON.parse(line).msg).toBe("started");
    expect(line).not.toMatch(/hunter2|PRIVATE|s3cret/);
    expect(line).toContain("[redacted]");
  });
});

describe("HTTP: /healthz, /readyz and Prometheus /metrics", () => {
  const state = { live: true, ready: false };
  const metrics = new WorkerMetrics();
  const server = startHttpServer(0, { live: () => state.live, ready: () => state.ready }, metrics);
  const url = async (path: string) => `http://127.0.0.1:${((await server).address() as AddressInfo).port}${path}`;

  afterAll(async () => {
    (await server).close();
  });

  it("answers liveness and readiness from the worker's state", async () => {
    expect((await fetch(await url("/healthz"))).status).toBe(200);
    expect((await fetch(await url("/readyz"))).status).toBe(503);
    state.ready = true;
    expect((await fetch(await url("/readyz"))).status).toBe(200);
    state.live = false;
    expect((await fetch(await url("/healthz"))).status).toBe(503);
  });

  it("serves the worker's metrics with their public names", async () => {
    metrics.routed.inc({ destination: "customerio" }, 3);
    metrics.deadLetters.inc({ code: "malformed_json" });
    const text = await (await fetch(await url("/metrics"))).text();
    expect(text).toContain('cdp_router_records_routed_total{destination="customerio"} 3');
    expect(text).toContain('cdp_router_dead_letters_total{code="malformed_json"} 1');
    for (const name of [
      "cdp_router_records_consumed_total",
      "cdp_router_records_skipped_total",
      "cdp_router_batch_duration_seconds",
      "cdp_router_end_to_end_latency_seconds",
      "cdp_router_chunk_transform_seconds",
      "cdp_router_chunk_write_seconds",
      "cdp_router_consumer_lag_records",
      "cdp_router_rebalances_total",
    ]) {
      expect(text).toContain(name);
    }
    expect((await fetch(await url("/nope"))).status).toBe(404);
  });
});
