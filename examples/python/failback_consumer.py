#!/usr/bin/env python3
"""Reads failback's status and audit topics from Python, with nothing from the project but its released .avsc files.

The records are Avro single-object encoded: the marker C3 01, the writer schema's 64-bit fingerprint
(CRC-64-AVRO of its Parsing Canonical Form, little-endian), then the binary datum. This consumer fingerprints
every released schema version itself and decodes each record with the version it names, read as the newest.

It computes the Parsing Canonical Form as the Avro specification defines it rather than calling
avro.schema's canonical_form: python3-avro 1.11 keeps {"type": "string"} for a primitive that carries extra
properties (the released files' "avro.java.string"), so its fingerprints differ from every other language's.

Debian packages: python3-avro, python3-confluent-kafka (scripts/prerequisites.sh installs them).

    failback_consumer.py --bootstrap-servers HOST:PORT [--released DIR] [--job JOB] [--idle SECONDS]
    failback_consumer.py --fingerprints [--released DIR]

Prints one JSON object per record: topic, key, the writer schema's name and version, and the value.
"""

import argparse
import datetime
import io
import json
import os
import sys
import uuid

import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError, TopicPartition

TOPICS = {"failback.status": "io.failback.messages.StatusEvent", "failback.audit": "io.failback.messages.AuditRecord"}
MARKER = b"\xc3\x01"
DEFAULT_RELEASED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas", "src", "main",
                                "resources", "released")
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
NAMED = {"record", "error", "enum", "fixed"}
ORDER = ["name", "type", "fields", "symbols", "items", "values", "size"]

# ---------------------------------------------------------------- Parsing Canonical Form and CRC-64-AVRO


def canonical_form(schema):
    """The Parsing Canonical Form of a schema given as parsed JSON (Avro specification, "Transforming into
    Parsing Canonical Form": PRIMITIVES, FULLNAMES, STRIP, ORDER, STRINGS, INTEGERS, WHITESPACE)."""
    return _canonical(schema, None, set())


def _fullname(name, namespace):
    return name if "." in name or not namespace else namespace + "." + name


def _canonical(schema, namespace, seen):
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return json.dumps(schema)
        return json.dumps(_fullname(schema, namespace))
    if isinstance(schema, list):
        return "[" + ",".join(_canonical(branch, namespace, seen) for branch in schema) + "]"
    kind = schema["type"]
    if isinstance(kind, (dict, list)):  # {"type": {...}} wraps another schema
        return _canonical(kind, namespace, seen)
    if kind in PRIMITIVES:  # [PRIMITIVES]: whatever properties it carries, a primitive is its bare name
        return json.dumps(kind)
    parts = {}
    if kind in NAMED:
        name = _fullname(schema["name"], schema.get("namespace", namespace))
        if name in seen:  # a named type appears once in full, then by its name
            return json.dumps(name)
        seen.add(name)
        namespace = name.rpartition(".")[0]
        parts["name"] = json.dumps(name, ensure_ascii=False)
    parts["type"] = json.dumps(kind)
    if kind in ("record", "error"):
        parts["fields"] = "[" + ",".join(
            '{"name":' + json.dumps(f["name"], ensure_ascii=False) + ',"type":' + _canonical(f["type"], namespace, seen) + "}"
            for f in schema["fields"]) + "]"
    elif kind == "enum":
        parts["symbols"] = "[" + ",".join(json.dumps(s, ensure_ascii=False) for s in schema["symbols"]) + "]"
    elif kind == "array":
        parts["items"] = _canonical(schema["items"], namespace, seen)
    elif kind == "map":
        parts["values"] = _canonical(schema["values"], namespace, seen)
    elif kind == "fixed":
        parts["size"] = str(int(schema["size"]))
    return "{" + ",".join('"' + key + '":' + parts[key] for key in ORDER if key in parts) + "}"


_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def fingerprint(canonical):
    """CRC-64-AVRO of the canonical form's UTF-8 bytes, as the specification's reference code computes it."""
    fp = _EMPTY
    for byte in canonical.encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


# ---------------------------------------------------------------- released schemas


class Released:
    """Every released version of one record type: its fingerprints, and the newest as the reader schema."""

    def __init__(self, directory, full_name):
        folder = os.path.join(directory, full_name)
        versions = sorted((int(f[1:-5]), f) for f in os.listdir(folder) if f.startswith("v") and f.endswith(".avsc"))
        if not versions:
            raise SystemExit("no released version of %s under %s" % (full_name, directory))
        self.name = full_name.rpartition(".")[2]
        self.writers = {}
        for version, file_name in versions:
            with open(os.path.join(folder, file_name), encoding="utf-8") as f:
                text = f.read()
            self.writers[fingerprint(canonical_form(json.loads(text)))] = (version, avro.schema.parse(text))
        self.reader = self.writers[max(self.writers, key=lambda fp: self.writers[fp][0])][1]

    def decode(self, data):
        """(version, value) of a single-object encoded record; ValueError naming what is wrong otherwise."""
        if data is None or len(data) < 10 or data[:2] != MARKER:
            raise ValueError("not Avro single-object encoded")
        fp = int.from_bytes(data[2:10], "little")
        if fp not in self.writers:
            raise ValueError("no released %s schema has fingerprint %016x" % (self.name, fp))
        version, writer = self.writers[fp]
        value = avro.io.DatumReader(writer, self.reader).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
        return version, value


def _json_default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(type(value).__name__)


# ---------------------------------------------------------------- the consumer


def consume(args, released):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "failback-python-example-" + uuid.uuid4().hex,  # a reader of history, committing nothing
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",  # never what an aborted orchestrator transaction wrote
    })
    partitions = []
    for topic in TOPICS:
        metadata = consumer.list_topics(topic, timeout=30).topics[topic]
        if metadata.error is not None:
            raise SystemExit("topic %s: %s" % (topic, metadata.error))
        partitions += [TopicPartition(topic, p, 0) for p in metadata.partitions]
    consumer.assign(partitions)
    unreadable = 0
    idle_since = datetime.datetime.now()
    try:
        while (datetime.datetime.now() - idle_since).total_seconds() < args.idle:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error() is not None:
                if message.error().code() != KafkaError._PARTITION_EOF:
                    print("kafka: %s" % message.error(), file=sys.stderr)
                continue
            idle_since = datetime.datetime.now()
            key = message.key().decode("utf-8", "replace") if message.key() is not None else None
            if args.job is not None and key != args.job:
                continue
            types = released[message.topic()]
            try:
                version, value = types.decode(message.value())
            except Exception as e:  # a record no released schema reads is counted, never fatal
                unreadable += 1
                print("skipped %s-%d@%d: %s" % (message.topic(), message.partition(), message.offset(), e), file=sys.stderr)
                continue
            print(json.dumps({"topic": message.topic(), "key": key, "schema": "%s v%d" % (types.name, version),
                              "value": value}, default=_json_default, ensure_ascii=False), flush=True)
    finally:
        consumer.close()
    return 1 if unreadable else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap-servers", default=os.environ.get("FAILBACK_BOOTSTRAP_SERVERS", "localhost:9092"))
    parser.add_argument("--released", default=DEFAULT_RELEASED, help="the released/ directory of .avsc files")
    parser.add_argument("--job", help="only the records of this job (the records' key)")
    parser.add_argument("--idle", type=float, default=5.0, help="stop after this many seconds without a record")
    parser.add_argument("--fingerprints", action="store_true",
                        help="print each released schema file's fingerprint (hex) and exit")
    args = parser.parse_args()
    if args.fingerprints:
        for name in sorted(os.listdir(args.released)):
            folder = os.path.join(args.released, name)
            for file_name in sorted(f for f in os.listdir(folder) if f.endswith(".avsc")) if os.path.isdir(folder) else []:
                with open(os.path.join(folder, file_name), encoding="utf-8") as f:
                    print("%s/%s %016x" % (name, file_name, fingerprint(canonical_form(json.load(f)))))
        return 0
    released = {topic: Released(args.released, full_name) for topic, full_name in TOPICS.items()}
    return consume(args, released)


if __name__ == "__main__":
    sys.exit(main())
