import { REGISTRY_AUTH_PORT, REGISTRY_PORT } from "./layout.js";
import { startAuthProxy } from "./registry-auth-proxy.js";
import { LOCAL_REGISTRY_USER } from "./security.js";

// Started detached by `stack up` (its first argument is the stack's process marker, ignored here).
await startAuthProxy({ port: REGISTRY_AUTH_PORT, targetPort: REGISTRY_PORT, ...LOCAL_REGISTRY_USER });
console.log(`registry basic-auth proxy listening on 127.0.0.1:${REGISTRY_AUTH_PORT} for 127.0.0.1:${REGISTRY_PORT}`);
