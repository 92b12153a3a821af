import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { WorkerMetrics } from "../../../src/ops/metrics.js";

// The Grafana dashboard and the alert rules ship in the chart (helm/cdp-router/files): every
// metric they query must be one the worker exports, or a panel stays empty and an alert never fires.

const METRIC = /\bcdp_router_[a-z0-9_]+/g;
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

async function exported(): Promise<Set<string>> {
  const metrics = await new WorkerMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.map((metric) => metric.name));
}

const dashboard = JSON.parse(readFileSync("helm/cdp-router/files/grafana-dashboard.json", "utf8")) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};
const rules = parse(readFileSync("helm/cdp-router/files/prometheus-rules.yaml", "utf8")) as {
  groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
};

function used(exprs: string[]): string[] {
  return [...new Set(exprs.flatMap((expr) => expr.match(METRIC) ?? []))].sort();
}

describe("the dashboard and the alert rules query only what the worker exports", () => {
  it("every metric of the dashboard's panels is exported", async () => {
    const names = await exported();
    const queried = used(dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)));
    expect(queried.length).toBeGreaterThan(8);
    expect(queried.filter((name) => !names.has(name) && !names.has(name.replace(HISTOGRAM_SERIES, "")))).toEqual([]);
  });

  it("every metric of the alert rules is exported", async () => {
    const names = await exported();
    const queried = used(rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)));
    expect(queried.filter((name) => !names.has(name))).toEqual([]);
  });

  it("the check can fail: a misspelt metric is reported", async () => {
    const names = await exported();
    expect(used(["rate(cdp_router_records_consumd_total[5m])"]).filter((name) => !names.has(name))).toEqual([
      "cdp_router_records_consumd_total",
    ]);
  });

  it("the dashboard shows what an operator of the worker watches", () => {
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(" | ");
    for (const topic of [
      "consumed",
      "destination",
      "dead letters",
      "skipped",
      "lag",
      "latency",
      "batch",
      "rebalances",
      "paused",
      "thread utilisation",
    ])
      expect(titles).toContain(topic);
  });

  it("the alerts cover lag growing, dead letters, restarts and a partition paused for minutes", () => {
    expect(rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert))).toEqual(
      expect.arrayContaining([
        "CdpRouterLagGrowing",
        "CdpRouterDeadLetters",
        "CdpRouterWorkerRestarting",
        "CdpRouterPartitionPaused",
      ]),
    );
  });
});
