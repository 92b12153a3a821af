import { timingSafeEqual } from "node:crypto";
import { createServer, request, type Server } from "node:http";

/**
 * HTTP basic authentication in front of the local registry. Apicurio Registry authenticates only
 * through an OpenID Connect server (Keycloak), which this stack does not run; this proxy gives
 * the stack what a Confluent Schema Registry with basic auth gives its clients (a 401 without
 * the right user and password), so that the worker's SCHEMA_REGISTRY_USERNAME/PASSWORD are
 * tested against a real refusal.
 */
export interface AuthProxyOptions {
  readonly port: number;
  readonly targetPort: number;
  readonly username: string;
  readonly password: string;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function startAuthProxy(options: AuthProxyOptions): Promise<Server> {
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
  const server = createServer((incoming, outgoing) => {
    if (!sameText(incoming.headers.authorization ?? "", expected)) {
      outgoing.writeHead(401, {
        "www-authenticate": 'Basic realm="cdp-router local registry"',
        "content-type": "application/json",
      });
      outgoing.end(JSON.stringify({ error_code: 401, message: "Unauthorized" }));
      return;
    }
    const { authorization: _dropped, ...headers } = incoming.headers;
    const forward = request(
      { host: "127.0.0.1", port: options.targetPort, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", (error) => {
      outgoing.writeHead(502, { "content-type": "application/json" });
      outgoing.end(JSON.stringify({ error_code: 502, message: `registry unreachable: ${error.message}` }));
    });
    incoming.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve(server));
  });
}
