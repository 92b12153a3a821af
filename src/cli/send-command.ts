import { createReadStream } from "node:fs";
import { Command } from "commander";
import { isJsonObject } from "../events/json.js";
import { checkKafkaTls, kafkaClient, PRODUCER_DEFAULTS } from "../kafka/client.js";
import { createLogger } from "../ops/logger.js";
import { loadWorkerConfig } from "../ops/worker-config.js";
import { resolveEndpoints } from "../stack/endpoints.js";
import { byteLines, isBlank } from "./ndjson.js";

/** group calls to cdp.raw.group, everything else (and lines that are not JSON) by --topic or to cdp.raw.track / cdp.raw.group. */
function route(line: Buffer, topic: string | undefined): { topic: string; key: string | null } {
  let payload: unknown;
  try {
    payload = JSON.parse(line.toString("utf8"));
  } catch {
    return { topic: topic ?? "cdp.raw.group", key: null };
  }
  if (!isJsonObject(payload)) return { topic: topic ?? "cdp.raw.group", key: null };
  const properties = isJsonObject(payload.properties) ? payload.properties : {};
  // Keyed by the object, so that every event about one object keeps its order in one partition.
  const objectId = payload.groupId ?? properties.objectId ?? null;
  return {
    topic: topic ?? (payload.type === "group" ? "cdp.raw.group" : "cdp.raw.track"),
    key: typeof objectId === "string" || typeof objectId === "number" ? String(objectId) : null,
  };
}

export function sendCommand(): Command {
  return new Command("send")
    .description(
      "produce raw events (NDJSON) to the raw topics: group calls to cdp.raw.group, the rest to cdp.raw.track",
    )
    .argument("[file]", "NDJSON file; - or nothing reads standard input", "-")
    .option("--topic <name>", "send every line to this topic instead")
    .action(async (file: string, options: { topic?: string }) => {
      const local = resolveEndpoints(process.env, 1);
      const config = loadWorkerConfig(process.env, { brokers: local.brokers, registryUrl: local.registryUrl });
      const producer = kafkaClient(config, createLogger("warn")).producer({ ...PRODUCER_DEFAULTS, idempotent: true });
      await checkKafkaTls(config);
      await producer.connect();
      const counts = new Map<string, number>();
      try {
        for await (const line of byteLines(file === "-" ? process.stdin : createReadStream(file))) {
          if (isBlank(line)) continue;
          const { topic, key } = route(line, options.topic);
          await producer.send({ topic, acks: -1, messages: [{ key, value: line }] });
          counts.set(topic, (counts.get(topic) ?? 0) + 1);
        }
      } finally {
        await producer.disconnect();
      }
      for (const [topic, count] of counts) process.stdout.write(`sent ${count} event(s) to ${topic}\n`);
    });
}
