import { resolve } from "node:path";
import { Command } from "commander";
import { checkSchemas, registerSchemas } from "../avro/schema-management.js";
import { RegistryAdmin } from "../avro/schema-registry.js";
import { loadTopicSchemas, SCHEMAS_DIR } from "../avro/schemas.js";
import { loadRegistryConfig } from "../ops/worker-config.js";
import { resolveEndpoints } from "../stack/endpoints.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

interface SchemaOptions {
  registry?: string;
  dir: string;
}

function admin(options: SchemaOptions): RegistryAdmin {
  // The same settings as the worker's (the environment or CDP_CONFIG_FILE), --registry first.
  const registry = loadRegistryConfig(process.env, options.registry, resolveEndpoints(process.env, 1).registryUrl);
  return new RegistryAdmin(
    registry.url,
    registry.username ? { username: registry.username, password: registry.password ?? "" } : undefined,
  );
}

function withCommonOptions(command: Command): Command {
  return command
    .option(
      "--registry <url>",
      "Confluent-compatible registry URL (default: SCHEMA_REGISTRY_URL, else the local stack's)",
    )
    .option("--dir <folder>", "folder of <topic>.avsc files", SCHEMAS_DIR);
}

export function schemasCommand(): Command {
  const schemas = new Command("schemas").description(
    "register the destination and dead-letter schemas, or check them before deploying",
  );
  withCommonOptions(schemas.command("register"))
    .description("register every schema under <topic>-value with BACKWARD compatibility (idempotent)")
    .action(async (options: SchemaOptions) => {
      const results = await registerSchemas(admin(options), loadTopicSchemas(resolve(options.dir)).values());
      for (const r of results) say(`${r.subject.padEnd(40)} ${r.status.padEnd(10)} id ${r.id}`);
    });
  withCommonOptions(schemas.command("check"))
    .description("tell whether the local schemas are compatible with the registry's; exit 1 when one is not")
    .action(async (options: SchemaOptions) => {
      const results = await checkSchemas(admin(options), loadTopicSchemas(resolve(options.dir)).values());
      for (const r of results) {
        say(
          `${r.subject.padEnd(40)} ${r.status}${r.reason ? `: ${r.reason}` : ""}${r.warning ? ` (warning: ${r.warning})` : ""}`,
        );
      }
      const refused = results.filter((r) => r.status === "incompatible");
      if (refused.length > 0) {
        process.stderr.write(
          `cdp-router: ${refused.length} schema(s) are not BACKWARD compatible with the registry's latest version\n`,
        );
        process.exitCode = 1;
      }
    });
  return schemas;
}
