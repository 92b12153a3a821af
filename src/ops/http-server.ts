import { createServer, type Server } from "node:http";
import type { WorkerMetrics } from "./metrics.js";

export interface Health {
  /** False once the worker has crashed: the supervisor should restart the process. */
  live(): boolean;
  /** True while the consumer is in its group and running. */
  ready(): boolean;
}

/** /healthz (liveness), /readyz (readiness) and /metrics (Prometheus) on one port. */
export function startHttpServer(port: number, health: Health, metrics: WorkerMetrics): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" || path === "/readyz") {
      const ok = path === "/healthz" ? health.live() : health.ready();
      response.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "not ok\n");
      return;
    }
    if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(error.message),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve(server));
  });
}
