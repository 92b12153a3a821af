"""An independent Avro reader for cdp-router's topics: fastavro, not avsc.

Reads JSON lines {"hex": "<Confluent-framed record>"} on stdin. For each, it checks the magic
byte, fetches the writer schema by the id on the wire from the registry (as any Confluent
deserializer does), decodes with fastavro, parses the fields whose logicalType is "json" (a
consumer of these topics does the same), turns timestamp-millis back into epoch milliseconds,
and prints the record as a JSON line.
"""
import datetime
import io
import json
import struct
import sys
import urllib.request

import fastavro

REGISTRY = sys.argv[1].rstrip("/")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
schemas = {}


def writer_schema(schema_id):
    if schema_id not in schemas:
        with urllib.request.urlopen(f"{REGISTRY}/schemas/ids/{schema_id}") as response:
            raw = json.loads(json.loads(response.read())["schema"])
        schemas[schema_id] = (raw, fastavro.parse_schema(raw))
    return schemas[schema_id]


def plain(schema, value, named):
    """Walks the decoded value beside its schema: json text parsed, datetimes to epoch ms."""
    if isinstance(schema, list):
        if value is None:
            return None
        for branch in schema:
            if branch != "null":
                return plain(branch, value, named)
    if isinstance(schema, str):
        if schema in named:
            return plain(named[schema], value, named)
        return value.hex() if schema == "bytes" else value
    kind = schema["type"]
    if isinstance(kind, (dict, list)):
        return plain(kind, value, named)
    if schema.get("logicalType") == "json":
        return json.loads(value)
    if schema.get("logicalType") == "timestamp-millis":
        return (value - EPOCH) // datetime.timedelta(milliseconds=1) if isinstance(value, datetime.datetime) else value
    if kind == "record":
        named[schema["name"]] = schema
        return {f["name"]: plain(f["type"], value[f["name"]], named) for f in schema["fields"]}
    if kind == "array":
        return [plain(schema["items"], item, named) for item in value]
    if kind == "map":
        return {k: plain(schema["values"], v, named) for k, v in value.items()}
    if kind == "bytes":
        return value.hex()
    return value


for line in sys.stdin:
    framed = bytes.fromhex(json.loads(line)["hex"])
    if framed[0] != 0:
        raise SystemExit(f"not Confluent-framed: magic byte {framed[0]}")
    (schema_id,) = struct.unpack(">I", framed[1:5])
    raw, parsed = writer_schema(schema_id)
    record = fastavro.schemaless_reader(io.BytesIO(framed[5:]), parsed)
    print(json.dumps({"schema_id": schema_id, "value": plain(raw, record, {})}), flush=True)
