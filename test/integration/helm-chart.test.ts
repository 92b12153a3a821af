import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { helmBinary, manifestChecker } from "../support/helm-tools.js";

// The Helm chart checked with the real tools: a pinned helm (lint, template) and a checker that
// decodes every rendered manifest into its typed Kubernetes (k8s.io/api), KEDA or Prometheus
// Operator object, refusing unknown fields. Default values and a values file that turns every
// option on; and each check shown failing on a broken value or manifest.

const CHART = "helm/cdp-router";
const ALL_ON = `${CHART}/ci/all-on-values.yaml`;
let helm = "";
let checker = "";

function run(command: string, args: string[], input?: string): { code: number | null; output: string } {
  const result = spawnSync(command, args, { input, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function render(...args: string[]): string {
  const rendered = run(helm, ["template", "r1", CHART, ...args]);
  expect(rendered.code, rendered.output).toBe(0);
  return rendered.output;
}

interface Manifest {
  kind: string;
  spec?: Record<string, unknown>;
}

const manifests = (text: string) =>
  parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);

beforeAll(() => {
  helm = helmBinary();
  checker = manifestChecker();
}, 1_200_000);

describe("the Helm chart, with helm and the typed API objects", () => {
  it("helm lint passes with the default values and with every option on", () => {
    for (const args of [[], ["-f", ALL_ON]]) {
      const lint = run(helm, ["lint", CHART, ...args]);
      expect(lint.code, lint.output).toBe(0);
    }
  });

  it("the default rendering is valid Kubernetes: Deployment, ConfigMap, Service, PodDisruptionBudget", () => {
    const rendered = render();
    const checked = run(checker, [], rendered);
    expect(checked.code, checked.output).toBe(0);
    expect(
      manifests(rendered)
        .map((m) => m.kind)
        .sort(),
    ).toEqual(["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"]);
  });

  it("every option on renders valid objects, KEDA's ScaledObject and the ServiceMonitor included", () => {
    const rendered = render("-f", ALL_ON);
    const checked = run(checker, [], rendered);
    expect(checked.code, checked.output).toBe(0);
    expect(checked.output).toContain("valid   ScaledObject keda.sh/v1alpha1/");
    expect(checked.output).toContain("valid   ServiceMonitor monitoring.coreos.com/v1/");
    expect(checked.output).toContain("valid   Job batch/v1/");
    const kinds = manifests(rendered).map((m) => m.kind);
    expect(kinds).toEqual(expect.arrayContaining(["Deployment", "Job", "ScaledObject", "ServiceMonitor"]));
  });

  it("never scales beyond the raw partitions, and gives the worker its grace period less 5 s", () => {
    const all = manifests(render("-f", ALL_ON));
    const scaled = all.find((m) => m.kind === "ScaledObject");
    expect(scaled?.spec?.maxReplicaCount).toBe(6);
    const hpa = manifests(render("--set", "autoscaling.hpa.enabled=true", "--set", "inputPartitions=4")).find(
      (m) => m.kind === "HorizontalPodAutoscaler",
    );
    expect(hpa?.spec?.maxReplicas).toBe(4);
    const deployment = manifests(render()).find((m) => m.kind === "Deployment");
    const text = JSON.stringify(deployment);
    expect(text).toContain('"name":"CDP_SHUTDOWN_GRACE_MS","value":"25000"');
    expect(text).toContain('"terminationGracePeriodSeconds":30');
  });

  it("puts nothing secret in the manifests: credentials come from existing Secrets by name", () => {
    const rendered = manifests(render("-f", ALL_ON));
    const env = JSON.stringify(rendered);
    const reference = (name: string) =>
      new RegExp(`"name":"${name}","valueFrom":\\{"secretKeyRef":\\{"name":"([^"]+)","key":"([^"]+)"\\}`).exec(env);
    expect(reference("KAFKA_SASL_PASSWORD")?.slice(1)).toEqual(["cdp-router-kafka-sasl", "password"]);
    expect(reference("SCHEMA_REGISTRY_PASSWORD")?.slice(1)).toEqual(["cdp-router-registry", "password"]);
    expect(env).not.toMatch(/"name":"[A-Z_]*PASSWORD","value"/);
  });

  it("a bad value fails at install: values.schema.json", () => {
    for (const [value, message] of [
      ["delivery=twice", /delivery.*at-least-once/],
      ["replay.destinations=nowhere", /replay\/destinations/],
      ["kafka.sasl.enabled=true", /existingSecret/],
      ["kafka.brokers=no-port", /kafka\/brokers/],
    ] as const) {
      const rendered = run(helm, ["template", "r1", CHART, "--set", value]);
      expect(rendered.code, rendered.output).not.toBe(0);
      expect(rendered.output).toMatch(message);
    }
  });

  it("the checker refuses a manifest with a misspelt field or an unknown kind (it can fail)", () => {
    const rendered = render();
    const misspelt = rendered.replace("terminationGracePeriodSeconds:", "terminationGracePeriodSecond:");
    const checked = run(checker, [], misspelt);
    expect(checked.code).toBe(1);
    expect(checked.output).toMatch(/invalid Deployment .*unknown field "terminationGracePeriodSecond"/);
    const unknown = run(checker, [], "apiVersion: v9\nkind: Nothing\nmetadata: {name: x}\n");
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain("unknown kind v9/Nothing");
  });

  it("the chart's appVersion is the package's", () => {
    const chart = readFileSync(`${CHART}/Chart.yaml`, "utf8");
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(chart).toContain(`appVersion: "${pkg.version}"`);
  });
});
