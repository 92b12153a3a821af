import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error: a plain .mjs script, untyped.
import { PROVISIONED_NODE_VERSION } from "../../../scripts/ensure-node.mjs";
import { ALL_TOPICS } from "../../../src/kafka/topics.js";
import { WORKER_ENV, WORKER_NODE_FLAGS, workerEnv } from "../../../src/ops/node-flags.js";
import { CCOMPAT_PATH } from "../../../src/stack/endpoints.js";
import {
  BROKER_PORT_BASE,
  DEFAULT_APICURIO_VERSION,
  DEFAULT_KAFKA_VERSION,
  REGISTRY_PORT,
} from "../../../src/stack/layout.js";

// docker-compose cannot run on these machines (no Docker engine): its structure is checked here
// against the local stack's own constants, so the two cannot drift apart.

interface Service {
  image?: string;
  build?: string;
  init?: boolean;
  ports?: string[];
  environment?: Record<string, string>;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, Service> };
const services = compose.services;

describe("docker-compose.yml matches the local stack", () => {
  it("runs the same Kafka line and Apicurio release from their official images", () => {
    expect(services.kafka?.image).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`);
    expect(services.registry?.image).toBe(`apicurio/apicurio-registry:${DEFAULT_APICURIO_VERSION}`);
  });

  it("publishes the broker on 9092 and the registry on 8081 to the host", () => {
    expect(services.kafka?.ports).toEqual([`${BROKER_PORT_BASE}:${BROKER_PORT_BASE}`]);
    expect(services.kafka?.environment?.KAFKA_ADVERTISED_LISTENERS).toContain(
      `EXTERNAL://localhost:${BROKER_PORT_BASE}`,
    );
    expect(services.registry?.ports).toEqual([`${REGISTRY_PORT}:${REGISTRY_PORT}`]);
    expect(services.registry?.environment?.QUARKUS_HTTP_PORT).toBe(String(REGISTRY_PORT));
  });

  it("never auto-creates topics, and creates exactly cdp-router's topics (its own `topics` command, from the worker's image)", () => {
    expect(services.kafka?.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe("false");
    expect(services.topics?.build).toBe(".");
    expect(services.topics?.image).toBe(services.worker?.image);
    expect(services.topics?.command).toEqual(["topics"]);
    expect(services.topics?.environment?.KAFKA_BROKERS).toBe("kafka:19092");
    // What `cdp-router topics` creates: the raw topics, every destination's topics and the DLQ.
    expect(ALL_TOPICS).toEqual(expect.arrayContaining(["cdp.raw.group", "cdp.dest.customerio", "cdp.dlq"]));
  });

  it("keeps the registry's schemas in Kafka, as the local stack does", () => {
    expect(services.registry?.environment?.APICURIO_STORAGE_KIND).toBe("kafkasql");
  });

  it("points the worker at the broker and the registry's Confluent-compatible API, with an init for signals", () => {
    const worker = services.worker;
    expect(worker?.build).toBe(".");
    expect(worker?.init).toBe(true);
    expect(worker?.environment?.KAFKA_BROKERS).toBe("kafka:19092");
    expect(worker?.environment?.SCHEMA_REGISTRY_URL).toBe(`http://registry:${REGISTRY_PORT}${CCOMPAT_PATH}`);
    expect(worker?.depends_on?.topics?.condition).toBe("service_completed_successfully");
    expect(worker?.command).toEqual(["run"]);
  });

  it("builds the worker image on the same Node line the project provisions", () => {
    expect(existsSync("Dockerfile")).toBe(true);
    const bases = [...readFileSync("Dockerfile", "utf8").matchAll(/^FROM node:(\S+?)-/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toBe(PROVISIONED_NODE_VERSION);
  });
});

describe("the worker's Node flags (ops/node-flags.ts)", () => {
  it("are on the Docker image's node command, before the script", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync("Dockerfile", "utf8"))?.[1];
    expect(JSON.parse(entrypoint ?? "[]")).toEqual(["node", ...WORKER_NODE_FLAGS, "dist/cli/main.js"]);
  });

  it("are on npm start's node command", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(`node ${WORKER_NODE_FLAGS.join(" ")} bin/cdp-router.js start`);
  });

  it("a launcher's worker gets WORKER_ENV, under any value its environment already has", () => {
    expect(workerEnv({ CDP_GROUP_ID: "g" })).toEqual({ ...WORKER_ENV, CDP_GROUP_ID: "g" });
    expect(workerEnv({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX).toBe("8");
  });

  it("the worker's environment (WORKER_ENV) is the image's, and npm start's unless already set", () => {
    const dockerfile = readFileSync("Dockerfile", "utf8");
    // The final stage is the image: what the build stage sets does not reach it.
    const image = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(WORKER_ENV).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect(image).toMatch(new RegExp(`^ENV ${name}=${value}$`, "m"));
      expect(scripts.start).toContain(`${name}=\${${name}:-${value}} node `);
    }
  });
});

describe("the Helm chart", () => {
  const chart = parse(readFileSync("helm/cdp-router/Chart.yaml", "utf8")) as { appVersion: string; apiVersion: string };
  const values = parse(readFileSync("helm/cdp-router/values.yaml", "utf8")) as {
    kafka: { brokers: string };
    schemaRegistry: { url: string };
    terminationGracePeriodSeconds: number;
  };
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

  it("is a v2 chart whose appVersion is the package's version", () => {
    expect(chart.apiVersion).toBe("v2");
    expect(chart.appVersion).toBe(pkg.version);
  });

  it("configures brokers, the registry's ccompat URL and a grace period for SIGTERM", () => {
    expect(values.kafka.brokers).toMatch(/^[^:]+:\d+$/);
    expect(values.schemaRegistry.url.endsWith(CCOMPAT_PATH)).toBe(true);
    expect(values.terminationGracePeriodSeconds).toBeGreaterThan(0);
    // The Deployment and the environment it shares with the replay Job (templates/_helpers.tpl).
    const template = ["deployment.yaml", "_helpers.tpl"]
      .map((file) => readFileSync(`helm/cdp-router/templates/${file}`, "utf8"))
      .join("\n");
    for (const name of [
      "KAFKA_BROKERS",
      "SCHEMA_REGISTRY_URL",
      "terminationGracePeriodSeconds",
      "/healthz",
      "/readyz",
      '["run"]',
    ]) {
      expect(template).toContain(name);
    }
  });
});

describe("docker-compose scales the workers and watches them", () => {
  const all = parse(readFileSync("docker-compose.yml", "utf8")) as {
    services: Record<string, Service & { expose?: string[]; volumes?: string[] }>;
  };

  it("the worker publishes no fixed host port, so `--scale worker=3` starts three", () => {
    expect(all.services.worker?.ports).toBeUndefined();
    expect(all.services.worker?.expose).toEqual(["9464"]);
  });

  it("Prometheus finds every worker replica by DNS and loads the chart's alert rules", () => {
    const config = parse(readFileSync("deploy/prometheus/prometheus.yml", "utf8")) as {
      rule_files: string[];
      scrape_configs: Array<{ dns_sd_configs: Array<{ names: string[]; type: string; port: number }> }>;
    };
    expect(config.scrape_configs[0]?.dns_sd_configs[0]).toMatchObject({ names: ["worker"], type: "A", port: 9464 });
    const mounts = all.services.prometheus?.volumes ?? [];
    expect(mounts).toContain("./helm/cdp-router/files/prometheus-rules.yaml:/etc/prometheus/rules/cdp-router.yaml:ro");
    expect(config.rule_files).toEqual(["/etc/prometheus/rules/cdp-router.yaml"]);
    expect(existsSync("helm/cdp-router/files/prometheus-rules.yaml")).toBe(true);
  });

  it("Grafana is provisioned with Prometheus and the chart's dashboard", () => {
    const datasources = parse(readFileSync("deploy/grafana/provisioning/datasources/prometheus.yml", "utf8")) as {
      datasources: Array<{ type: string; url: string }>;
    };
    expect(datasources.datasources[0]).toMatchObject({ type: "prometheus", url: "http://prometheus:9090" });
    const providers = parse(readFileSync("deploy/grafana/provisioning/dashboards/cdp-router.yml", "utf8")) as {
      providers: Array<{ options: { path: string } }>;
    };
    const path = providers.providers[0]?.options.path;
    expect(all.services.grafana?.volumes).toContain(
      `./helm/cdp-router/files/grafana-dashboard.json:${path}/cdp-router.json:ro`,
    );
  });
});

describe("the Dockerfile", () => {
  const dockerfile = readFileSync("Dockerfile", "utf8");

  it("is multi-stage: the build stage compiles, the runtime stage copies only production dependencies and dist", () => {
    expect([...dockerfile.matchAll(/^FROM /gm)].length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(runtime).toContain("COPY --from=build /app/node_modules ./node_modules");
    expect(runtime).not.toMatch(/COPY (src|test)/);
  });

  it("runs as a non-root user whose id the chart's securityContext expects", () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    // The node images' `node` user is uid 1000.
    expect(runtime).toMatch(/^USER node$/m);
    const values = parse(readFileSync("helm/cdp-router/values.yaml", "utf8")) as {
      podSecurityContext: { runAsUser: number; runAsNonRoot: boolean };
    };
    expect(values.podSecurityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true });
  });
});
