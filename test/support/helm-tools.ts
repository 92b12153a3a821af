import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

// The chart's tools, built with Go from the module proxy (the only network these machines have)
// and cached under .cache/tools: helm itself (a Go module, not a Debian package) and the
// manifest checker in tools/manifest-check (typed k8s.io/api, KEDA and Prometheus Operator
// objects).

export const HELM_VERSION = "v3.22.0";
const ROOT = resolve(import.meta.dirname, "../..");
const TOOLS = join(ROOT, ".cache", "tools");

/** Go: on PATH, or where these machines install it. */
export function goBinary(): string {
  for (const candidate of [process.env.GO, "/usr/local/go/bin/go"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync("sh", ["-c", "command -v go"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("Go is needed to build helm and the manifest checker (set GO=/path/to/go)");
  }
}

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOFLAGS: "-mod=mod",
    GOMODCACHE: join(TOOLS, "gomodcache"),
    GOCACHE: join(TOOLS, "gocache"),
    GOTOOLCHAIN: "local",
  };
}

/** helm at HELM_VERSION, built once. */
export function helmBinary(): string {
  const dir = join(TOOLS, `helm-${HELM_VERSION}`);
  const helm = join(dir, "helm");
  if (!existsSync(helm)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(goBinary(), ["install", `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], {
      env: { ...goEnv(), GOBIN: dir },
      stdio: "inherit",
      timeout: 900_000,
    });
  }
  return helm;
}

/** tools/manifest-check, built from the repository's sources (Go's build cache makes a rebuild cheap). */
export function manifestChecker(): string {
  const checker = join(TOOLS, "manifest-check");
  execFileSync(goBinary(), ["build", "-o", checker, "."], {
    cwd: join(ROOT, "tools", "manifest-check"),
    env: goEnv(),
    stdio: "inherit",
    timeout: 900_000,
  });
  return checker;
}
