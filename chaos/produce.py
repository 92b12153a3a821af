"""The chaos campaign's load: an independent librdkafka producer (confluent-kafka), not cdp-router.

Reads `{"k": key, "v": base64 value}` lines from a file and writes them to a topic at a steady rate with
acks=all and idempotence, retrying through broker failures. SIGTERM stops it after the record in
hand: it then flushes what it produced. Prints one JSON line at the end: {"produced": N, "sent": N,
"failed": N}, where the produced records are the file's first N lines. A record that librdkafka
finally reports as failed is counted, never hidden.
"""
import base64
import json
import signal
import sys
import time

from confluent_kafka import Producer


def main() -> int:
    brokers, topic, path, rate = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    producer = Producer({
        "bootstrap.servers": brokers,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 300000,
        # A raise_partitions fault adds raw partitions: write to them within seconds, not minutes.
        "topic.metadata.refresh.interval.ms": 5000,
        "log_level": 3,
    })
    state = {"produced": 0, "sent": 0, "failed": 0}
    stop = {"requested": False}
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.update(requested=True))

    def delivered(error, _message):
        state["failed" if error else "sent"] += 1

    started = time.monotonic()
    with open(path, encoding="utf-8") as lines:
        for index, line in enumerate(lines):
            if stop["requested"]:
                break
            entry = json.loads(line)
            value = base64.b64decode(entry["v"])
            while True:
                try:
                    producer.produce(topic, value=value, key=entry["k"].encode(), on_delivery=delivered)
                    state["produced"] += 1
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
            ahead = (index + 1) / rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    producer.flush(600)
    print(json.dumps(state), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
