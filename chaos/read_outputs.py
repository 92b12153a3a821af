"""The chaos campaign's check: an independent librdkafka reader (confluent-kafka + fastavro).

Reads every partition of the given topics from the given start offsets to their ends, with
isolation.level=read_committed, decodes each Confluent-framed Avro value with the writer schema
fetched by id from the registry, and prints one JSON line per record:
{"topic", "partition", "offset", "key", "message_id", "source_topic", "source_partition", "source_offset"}
(a tombstone has no value: only its key). Start offsets come on stdin as JSON
[{"topic", "partition", "offset"}, ...].
"""
import http.client
import io
import json
import sys
import time
import urllib.request

import fastavro
from confluent_kafka import Consumer, TopicPartition
from kafka_read import read_to_end

schemas = {}
# The registry may be restarting (a campaign kills it) or drop a connection under load (seen once
# in CI: "Remote end closed connection without response", the registry up and serving before and
# after): a fetch is retried for up to a minute, as a deserializer in production would, and every
# retry is said on stderr. The check itself is unchanged: every record is still decoded.
SCHEMA_FETCH_SECONDS = 60


def fetch_schema_text(registry: str, schema_id: int) -> str:
    url = f"{registry.rstrip('/')}/schemas/ids/{schema_id}"
    deadline = time.monotonic() + SCHEMA_FETCH_SECONDS
    delay = 0.25
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)["schema"]
        except (OSError, http.client.HTTPException) as error:  # URLError and timeouts are OSErrors
            if time.monotonic() + delay > deadline:
                raise
            print(f"read_outputs: schema {schema_id}: {error!r}; retrying in {delay:.2f} s", file=sys.stderr)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def schema_for(registry: str, schema_id: int):
    if schema_id not in schemas:
        schemas[schema_id] = fastavro.parse_schema(json.loads(fetch_schema_text(registry, schema_id)))
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
