"""What the chaos campaign's independent readers share: reading assigned partitions to their ends."""


def read_to_end(consumer, remaining, handle) -> set:
    """Polls until every (topic, partition) in `remaining` has reported its end (or 60 s pass with
    nothing), calling `handle(message)` for each record. Returns the partitions never finished."""
    remaining = set(remaining)
    idle = 0
    while remaining and idle < 60:
        message = consumer.poll(1.0)
        if message is None:
            idle += 1
            continue
        idle = 0
        if message.error():
            if message.error().code() == -191:  # _PARTITION_EOF
                remaining.discard((message.topic(), message.partition()))
                continue
            raise RuntimeError(str(message.error()))
        handle(message)
    return remaining
