"""The chaos campaign's check: an independent librdkafka reader (confluent-kafka + fastavro).

Reads every partition of the given topics from the given start offsets to their ends, with
isolation.level=read_committed, decodes each Confluent-framed Avro value with the writer schema
fetched by id from the registry, and prints one JSON line per record:
{"topic", "partition", "offset", "key", "message_id", "source_topic", "source_partition", "source_offset"}
(a tombstone has no value: only its key). Start offsets come on stdin as JSON
[{"topic", "partition", "offset"}, ...].
"""
import io
import json
import sys
import urllib.request

import fastavro
from confluent_kafka import Consumer, TopicPartition
from kafka_read import read_to_end

schemas = {}


def schema_for(registry: str, schema_id: int):
    if schema_id not in schemas:
        with urllib.request.urlopen(f"{registry.rstrip('/')}/schemas/ids/{schema_id}", timeout=10) as response:
            text = json.load(response)["schema"]
        schemas[schema_id] = fastavro.parse_schema(json.loads(text))
    return schemas[schema_id]


def main() -> int:
    brokers, registry = sys.argv[1], sys.argv[2]
    starts = json.load(sys.stdin)
    consumer = Consumer({
        "bootstrap.servers": brokers,
        "group.id": "cdp-router-chaos-check",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "enable.partition.eof": True,
        "log_level": 3,
    })
    assignment = [TopicPartition(s["topic"], s["partition"], int(s["offset"])) for s in starts]
    consumer.assign(assignment)

    def handle(message):
        key = message.key().decode() if message.key() is not None else None
        record = {"topic": message.topic(), "partition": message.partition(), "offset": message.offset(), "key": key}
        value = message.value()
        if value is not None:
            schema_id = int.from_bytes(value[1:5], "big")
            decoded = fastavro.schemaless_reader(io.BytesIO(value[5:]), schema_for(registry, schema_id))
            for field in ("message_id", "source_topic", "source_partition", "source_offset"):
                record[field] = decoded.get(field)
        print(json.dumps(record), flush=False)

    remaining = read_to_end(consumer, {(s["topic"], s["partition"]) for s in starts}, handle)
    consumer.close()
    if remaining:
        print(json.dumps({"unfinished": sorted(f"{t}:{p}" for t, p in remaining)}), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
