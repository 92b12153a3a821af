import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { describe, expect, inject, it } from "vitest";
import { stackDown, stackUp } from "../../src/stack/stack.js";
import { uniqueTopic } from "../support/kafka.js";

// Records in the topics carry schema ids: after `stack:down` and `stack:up` the registry must
// answer the same id with the same schema, or old records would decode wrongly or not at all.
describe("the local stack keeps its schemas across a restart", () => {
  const local = !process.env.KAFKA_BROKERS && !process.env.SCHEMA_REGISTRY_URL;

  it.runIf(local)(
    "answers the same id with the same schema after stack down and up",
    { timeout: 240_000 },
    async () => {
      const registryUrl = inject("schemaRegistryUrl");
      const subject = `${uniqueTopic("restart")}-value`;
      const schema = JSON.stringify({
        type: "record",
        name: "RestartRecord",
        namespace: "io.cdprouter.test",
        fields: [{ name: "object_id", type: "string" }],
      });
      const { id } = await new SchemaRegistry({ host: registryUrl }).register(
        { type: SchemaType.AVRO, schema },
        { subject },
      );

      await stackDown();
      await stackUp();

      const latest = (await (await fetch(`${registryUrl}/subjects/${subject}/versions/latest`)).json()) as {
        id: number;
      };
      expect(latest.id).toBe(id);
      const byId = (await (await fetch(`${registryUrl}/schemas/ids/${id}`)).json()) as { schema: string };
      expect(JSON.parse(byId.schema)).toEqual(JSON.parse(schema));
    },
  );
});
