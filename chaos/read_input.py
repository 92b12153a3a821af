"""The chaos campaign's check of its own input: an independent librdkafka reader (confluent-kafka).

Reads every partition of the raw topic from its beginning to its end and prints the SHA-256 of each
record's value, one per line. The campaign compares them with what its producer was told was
delivered (acks=all): a record the brokers lost after acknowledging it never reached the workers,
so its outputs cannot be expected of them, and the loss is reported as the brokers'.
"""
import hashlib
import sys

from confluent_kafka import Consumer, TopicPartition
from kafka_read import read_to_end


def main() -> int:
    brokers, topic = sys.argv[1], sys.argv[2]
    consumer = Consumer({
        "bootstrap.servers": brokers,
        "group.id": "cdp-router-chaos-input-check",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "log_level": 3,
    })
    partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
    remaining = set()
    assignment = []
    for partition in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
        if high > low:
            remaining.add((topic, partition))
            assignment.append(TopicPartition(topic, partition, low))
    consumer.assign(assignment)
    remaining = read_to_end(
        consumer, remaining, lambda message: print(hashlib.sha256(message.value() or b"").hexdigest(), flush=False)
    )
    consumer.close()
    if remaining:
        print(f"unfinished partitions: {sorted(p for _, p in remaining)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
