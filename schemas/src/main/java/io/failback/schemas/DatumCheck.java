package io.failback.schemas;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.avro.Schema;

/**
 * Walks one writer schema over a datum's bytes before Avro decodes them, refusing what can't be a real
 * record: a length or count the remaining bytes can't hold, a union branch or enum symbol that doesn't
 * exist, a number longer than its encoding allows, bytes after the datum. Avro allocates a declared
 * length before it reads it, so this is what keeps a hostile record from costing more than its size.
 * It reads varints itself and allocates nothing from a declared length; one instance is immutable and
 * shared by all threads.
 */
final class DatumCheck {

    /** Items of zero encoded size (null, an empty record) in one array or map; a real record has none. */
    static final int MAX_ZERO_SIZE_ITEMS = 100_000;

    /** Nesting of records, unions, arrays and maps; only a recursive schema could go deeper than a few. */
    static final int MAX_DEPTH = 100;

    private final Node root;

    DatumCheck(Schema writer) {
        Map<Schema, Node> compiled = new IdentityHashMap<>();
        this.root = compile(writer, compiled);
        Map<Node, Boolean> visiting = new IdentityHashMap<>();
        for (Node node : compiled.values()) {
            minSize(node, visiting);
        }
    }

    /**
     * Refuses {@code data} unless the bytes from {@code start} to its end are exactly one datum of the
     * writer schema.
     */
    void check(byte[] data, int start, String topic) {
        Cursor in = new Cursor(data, start, topic);
        walk(root, in, 0);
        if (in.pos != data.length) {
            throw in.refuse(Problem.TRAILING_BYTES, (data.length - in.pos) + " bytes after the datum, which ends at byte " + in.pos);
        }
    }

    private static void walk(Node node, Cursor in, int depth) {
        switch (node.kind) {
            case NULL -> {
            }
            case BOOLEAN -> {
                int b = in.readByte();
                if (b > 1) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "a boolean of value " + b + " at byte " + (in.pos - 1));
                }
            }
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.skipFixed(4, "a float");
            case DOUBLE -> in.skipFixed(8, "a double");
            case FIXED -> in.skipFixed(node.size, "a fixed of " + node.size + " bytes");
            case BYTES -> {
                int at = in.pos;
                long length = in.readLong();
                if (length < 0) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "a negative length " + length + " at byte " + at);
                }
                if (length > in.remaining()) {
                    throw in.refuse(Problem.LENGTH_BEYOND_RECORD, "a length of " + length + " bytes at byte " + at
                            + " where " + in.remaining() + " bytes are left");
                }
                in.pos += (int) length;
            }
            case ENUM -> {
                int at = in.pos;
                int index = in.readInt();
                if (index < 0 || index >= node.size) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "enum symbol " + index + " of " + node.size + " at byte " + at);
                }
            }
            case UNION -> {
                int at = in.pos;
                int index = in.readInt();
                if (index < 0 || index >= node.children.length) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "union branch " + index + " of " + node.children.length + " at byte " + at);
                }
                walk(node.children[index], in, deeper(depth, in));
            }
            case RECORD -> {
                int next = deeper(depth, in);
                for (Node field : node.children) {
                    walk(field, in, next);
                }
            }
            case ARRAY, MAP -> walkBlocks(node, in, deeper(depth, in));
        }
    }

    /** Arrays and maps: blocks of items, each led by its count, a zero count ending them (Avro spec). */
    private static void walkBlocks(Node node, Cursor in, int depth) {
        Node item = node.children[0];
        int itemMin = node.kind == Kind.MAP ? 1 + item.minSize : item.minSize;
        long items = 0;
        while (true) {
            int at = in.pos;
            long count = in.readLong();
            if (count == 0) {
                return;
            }
            int blockEnd = -1;
            if (count < 0) {
                // A negative count is followed by the block's size in bytes, so a reader can skip it.
                if (count == Long.MIN_VALUE) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "a block count of " + count + " at byte " + at);
                }
                count = -count;
                int sizeAt = in.pos;
                long size = in.readLong();
                if (size < 0) {
                    throw in.refuse(Problem.CORRUPT_DATUM, "a negative block size " + size + " at byte " + sizeAt);
                }
                if (size > in.remaining()) {
                    throw in.refuse(Problem.LENGTH_BEYOND_RECORD, "a block of " + size + " bytes at byte " + sizeAt
                            + " where " + in.remaining() + " bytes are left");
                }
                blockEnd = in.pos + (int) size;
            }
            if (itemMin > 0) {
                if (count > in.remaining() / itemMin) {
                    throw in.refuse(Problem.LENGTH_BEYOND_RECORD, "a block of " + count + " items of at least " + itemMin
                            + " bytes at byte " + at + " where " + in.remaining() + " bytes are left");
                }
            } else if (count > MAX_ZERO_SIZE_ITEMS - items) {
                throw in.refuse(Problem.TOO_LARGE, "more than " + MAX_ZERO_SIZE_ITEMS + " items of zero size at byte " + at);
            }
            items += count;
            for (long i = 0; i < count; i++) {
                if (node.kind == Kind.MAP) {
                    walk(STRING_KEY, in, depth);
                }
                walk(item, in, depth);
            }
            if (blockEnd >= 0 && in.pos != blockEnd) {
                throw in.refuse(Problem.CORRUPT_DATUM, "a block declared to end at byte " + blockEnd + " ends at byte " + in.pos);
            }
        }
    }

    private static int deeper(int depth, Cursor in) {
        if (depth >= MAX_DEPTH) {
            throw in.refuse(Problem.CORRUPT_DATUM, "nesting deeper than " + MAX_DEPTH + " at byte " + in.pos);
        }
        return depth + 1;
    }

    private enum Kind { NULL, BOOLEAN, INT, LONG, FLOAT, DOUBLE, BYTES, FIXED, ENUM, UNION, RECORD, ARRAY, MAP }

    /** One schema node, compiled once: what to read, and the fewest bytes a value of it takes. */
    private static final class Node {
        final Kind kind;
        /** Symbols of an enum, bytes of a fixed. */
        final int size;
        Node[] children = new Node[0];
        int minSize = -1;

        Node(Kind kind, int size) {
            this.kind = kind;
            this.size = size;
        }
    }

    private static final Node STRING_KEY = new Node(Kind.BYTES, 0);

    private static Node compile(Schema schema, Map<Schema, Node> compiled) {
        Node done = compiled.get(schema);
        if (done != null) {
            return done;
        }
        Node node = switch (schema.getType()) {
            case NULL -> new Node(Kind.NULL, 0);
            case BOOLEAN -> new Node(Kind.BOOLEAN, 0);
            case INT -> new Node(Kind.INT, 0);
            case LONG -> new Node(Kind.LONG, 0);
            case FLOAT -> new Node(Kind.FLOAT, 0);
            case DOUBLE -> new Node(Kind.DOUBLE, 0);
            case STRING, BYTES -> new Node(Kind.BYTES, 0);
            case FIXED -> new Node(Kind.FIXED, schema.getFixedSize());
            case ENUM -> new Node(Kind.ENUM, schema.getEnumSymbols().size());
            case UNION -> new Node(Kind.UNION, 0);
            case RECORD -> new Node(Kind.RECORD, 0);
            case ARRAY -> new Node(Kind.ARRAY, 0);
            case MAP -> new Node(Kind.MAP, 0);
        };
        // Registered before its children, so a recursive schema compiles to a cycle, not endless recursion.
        compiled.put(schema, node);
        List<Schema> children = switch (schema.getType()) {
            case UNION -> schema.getTypes();
            case RECORD -> schema.getFields().stream().map(Schema.Field::schema).toList();
            case ARRAY -> List.of(schema.getElementType());
            case MAP -> List.of(schema.getValueType());
            default -> List.of();
        };
        node.children = children.stream().map(s -> compile(s, compiled)).toArray(Node[]::new);
        return node;
    }

    /** The fewest bytes a value takes; a node met again while being measured counts as 0 (a lower bound). */
    private static int minSize(Node node, Map<Node, Boolean> visiting) {
        if (node.minSize >= 0) {
            return node.minSize;
        }
        if (visiting.containsKey(node)) {
            return 0;
        }
        visiting.put(node, Boolean.TRUE);
        long size = switch (node.kind) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, BYTES, ENUM, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> node.size;
            case UNION -> {
                long least = Long.MAX_VALUE;
                for (Node branch : node.children) {
                    least = Math.min(least, minSize(branch, visiting));
                }
                yield 1 + (node.children.length == 0 ? 0 : least);
            }
            case RECORD -> {
                long sum = 0;
                for (Node field : node.children) {
                    sum += minSize(field, visiting);
                }
                yield sum;
            }
        };
        visiting.remove(node);
        node.minSize = (int) Math.min(size, Integer.MAX_VALUE);
        return node.minSize;
    }

    /** A position in the bytes, with Avro's zig-zag varints read without allocating. */
    private static final class Cursor {
        final byte[] data;
        final String topic;
        int pos;

        Cursor(byte[] data, int pos, String topic) {
            this.data = data;
            this.pos = pos;
            this.topic = topic;
        }

        int remaining() {
            return data.length - pos;
        }

        int readByte() {
            if (pos >= data.length) {
                throw cutShort();
            }
            return data[pos++] & 0xff;
        }

        void skipFixed(int n, String what) {
            if (n > remaining()) {
                throw refuse(Problem.CORRUPT_DATUM, what + " at byte " + pos + " where " + remaining() + " bytes are left");
            }
            pos += n;
        }

        /** An int takes at most 5 bytes, and the fifth carries only 4 bits. */
        int readInt() {
            int at = pos;
            long raw = 0;
            for (int i = 0; i < 5; i++) {
                int b = readByte();
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (i == 4 && b > 0x0f) {
                        break;
                    }
                    int n = (int) raw;
                    return (n >>> 1) ^ -(n & 1);
                }
            }
            throw refuse(Problem.CORRUPT_DATUM, "an int encoding longer than 32 bits at byte " + at);
        }

        /** A long takes at most 10 bytes, and the tenth carries only 1 bit. */
        long readLong() {
            int at = pos;
            long raw = 0;
            for (int i = 0; i < 10; i++) {
                int b = readByte();
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    if (i == 9 && b > 1) {
                        break;
                    }
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw refuse(Problem.CORRUPT_DATUM, "a long encoding longer than 64 bits at byte " + at);
        }

        UnreadableRecordException cutShort() {
            return refuse(Problem.CORRUPT_DATUM, "the datum is cut short at byte " + pos);
        }

        UnreadableRecordException refuse(Problem problem, String detail) {
            return new UnreadableRecordException(problem, topic, detail, null);
        }
    }
}
