package io.failback.schemas.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.failback.schemas.AvroSerde;
import io.failback.schemas.ReleasedSchemas;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.failback.schemas.TrustedMessages;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A seed-fixed generator of Kafka records (key and value bytes) for a failback topic value type: valid
 * records, mutations of their encoding, hand-made hostile bytes and schema-valid records with hostile
 * values. It feeds this module's serde tests and the end-to-end fuzz suite; the same seed and the same
 * calls give the same samples. One instance is not for concurrent use.
 */
public final class RecordFuzzer {

    /** What a sample is, and so what a reader must do with it. */
    public enum Kind {
        /** A random record valid for the current schema, encoded as a service would: it must be read back equal. */
        VALID,
        /** A valid encoding with bits flipped, bytes cut, inserted or deleted, or the fingerprint swapped. */
        MUTATED,
        /** Bytes made to break a reader: no framing, unknown fingerprints, lengths and counts no record holds, oversize. */
        HOSTILE_BYTES,
        /** A schema-valid record whose values are hostile: huge strings, control characters, extreme numbers, 100,000 items. */
        HOSTILE_VALUES
    }

    /** One generated record: {@code key} may be null, {@code value} is never null. */
    public record Sample(Kind kind, byte[] key, byte[] value, String description) {
        @Override
        public String toString() {
            return kind + " (key " + (key == null ? "null" : key.length + " bytes") + ", value " + value.length + " bytes): "
                    + description;
        }
    }

    /** Strings in hostile values, each a way a value from outside has broken a log, a terminal or a parser. */
    private static final List<String> HOSTILE_FRAGMENTS = List.of("", " ", "  padded  ", "vm 01", "vm/01", "../../etc/passwd",
            "a\nb", "line\r\nforged: entry", "\u001b[2J\u001b[31mred\u001b[0m", "nul\u0000byte", "\u202Egnp.exe",
            "\u2066isolate\u2069", "zero\u200Bwidth", "\uFEFFbom", "sep\u2028arator", "tab\there", "emoji \uD83D\uDE00",
            "%s%n{}${jndi:ldap://127.0.0.1/a}", "\\", "\"quoted\"", "'; --", "\u0085next", "\u00e9\u0301", "\u0007bell");
    /** Items of a 100,000-item array: the smallest strings, some of them hostile. */
    private static final List<String> TINY_STRINGS = List.of("", "a", "\n", "\u0000", " ", "/");
    private static final List<String> WORDS = List.of("web", "db", "app", "erp", "mail", "file", "dc", "sql", "cache", "api");
    /** What a long hostile string is made of: words, and hostile fragments among them. */
    private static final List<String> PIECES = java.util.stream.Stream.concat(HOSTILE_FRAGMENTS.stream(),
            java.util.stream.Stream.of(WORDS, WORDS, WORDS).flatMap(List::stream).map(w -> w + " ")).toList();
    private static final int[] PIECE_BYTES = PIECES.stream().mapToInt(p -> p.getBytes(StandardCharsets.UTF_8).length).toArray();
    /** Numbers no real length, count or index is: each has broken a decoder that trusted it. */
    private static final long[] HOSTILE_NUMBERS = {Integer.MAX_VALUE, 1_000_000_000L, -1, -2, Integer.MIN_VALUE, Long.MAX_VALUE,
            Long.MIN_VALUE, (1L << 31) - 8, (1L << 31) - 9, 1L << 32, AvroSerde.MAX_RECORD_BYTES, AvroSerde.MAX_RECORD_BYTES + 1L,
            100, 7};
    private static final int HUGE_ARRAY = 100_000;
    /** The longest hostile string: two of them still fit a record under the limit. */
    private static final int LONGEST_STRING_BYTES = 450_000;
    private static final long TIME_FROM = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final long TIME_SPAN = 6L * 365 * 24 * 3600 * 1000;

    private final SplittableRandom random;
    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new HashMap<>();
    private final List<Long> knownFingerprints;
    /** The noun of an id field: "vm" of "vmIds", "command" of "commandId". */
    private static final Map<String, String> NOUNS = new java.util.concurrent.ConcurrentHashMap<>();

    public RecordFuzzer(long seed) {
        TrustedMessages.ensureTrusted();
        this.random = new SplittableRandom(seed);
        List<Long> fingerprints = new ArrayList<>();
        for (String name : ReleasedSchemas.get().names()) {
            ReleasedSchemas.get().versionsOf(name).forEach(v -> fingerprints.add(v.fingerprint()));
        }
        this.knownFingerprints = List.copyOf(fingerprints);
    }

    /** The orchestrator's stored state (state.avdl): read back from its stores after a restart or an upgrade. */
    public static List<Class<? extends SpecificRecord>> storedStateTypes() {
        return List.of(io.failback.messages.state.StoredJob.class, io.failback.messages.state.StoredVmJob.class,
                io.failback.messages.state.StoredVmFacts.class);
    }

    /** Every type written with {@link AvroSerde}: the catalog's topic values, then the stored state. */
    public static List<Class<? extends SpecificRecord>> writtenTypes() {
        List<Class<? extends SpecificRecord>> types = new ArrayList<>(catalogTypes());
        types.addAll(storedStateTypes());
        return types;
    }

    /** The value type of every catalog topic written in Avro, in catalog order. */
    public static List<Class<? extends SpecificRecord>> catalogTypes() {
        List<Class<? extends SpecificRecord>> types = new ArrayList<>();
        for (Topic<?, ?> topic : Topics.ALL) {
            if (topic.valueSerde() instanceof AvroSerde<?> serde && !types.contains(serde.type())) {
                types.add(serde.type());
            }
        }
        return types;
    }

    /** A sample of a random kind: mostly mutated and hostile bytes, a quarter valid, a tenth hostile values. */
    public Sample next(Class<? extends SpecificRecord> type) {
        int roll = random.nextInt(100);
        Kind kind = roll < 25 ? Kind.VALID : roll < 60 ? Kind.MUTATED : roll < 90 ? Kind.HOSTILE_BYTES : Kind.HOSTILE_VALUES;
        return next(type, kind);
    }

    /** A sample of the given kind; its key is mostly the record's natural id, sometimes random bytes, null, empty or huge. */
    public Sample next(Class<? extends SpecificRecord> type, Kind kind) {
        return switch (kind) {
            case VALID -> {
                SpecificRecord record = valid(type);
                yield sample(kind, type, record, encode(record), "a valid " + type.getSimpleName());
            }
            case MUTATED -> mutated(type);
            case HOSTILE_BYTES -> hostileBytes(type);
            case HOSTILE_VALUES -> {
                Encoded<? extends SpecificRecord> hostile = hostileEncoded(type);
                yield sample(kind, type, hostile.record(), hostile.bytes(), "a " + type.getSimpleName() + " with hostile values");
            }
        };
    }

    /** A random record valid for {@code type}'s current schema: id-like strings, any enum symbol, any union branch. */
    public <T extends SpecificRecord> T valid(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        return type.cast(value(model.getSchema(type), model, "", new Budget(Budget.Mode.VALID, 0)));
    }

    /**
     * A record valid for {@code type}'s current schema whose values are hostile, encoding to at most
     * {@link AvroSerde#MAX_RECORD_BYTES} (a service may well publish it; every reader must cope).
     */
    public <T extends SpecificRecord> T hostile(Class<T> type) {
        return hostileEncoded(type).record();
    }

    private record Encoded<T>(T record, byte[] bytes) {
    }

    private <T extends SpecificRecord> Encoded<T> hostileEncoded(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        // One record in sixteen carries one big value; more would make every run slower, not more thorough.
        int budget = random.nextInt(16) == 0 ? 950_000 : 0;
        while (true) {
            T record = type.cast(value(model.getSchema(type), model, "", new Budget(Budget.Mode.HOSTILE, budget)));
            byte[] bytes = encode(record);
            if (bytes.length <= AvroSerde.MAX_RECORD_BYTES) {
                return new Encoded<>(record, bytes);
            }
            budget /= 2; // multi-byte characters took more than the estimate; the loop ends by a budget of 0 at the latest
        }
    }

    /** The single-object encoding of {@code record} (header and datum), with no limit on its size. */
    public byte[] encode(SpecificRecord record) {
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.computeIfAbsent(record.getClass(),
                c -> new BinaryMessageEncoder<>(SpecificData.getForClass(c), record.getSchema()));
        try {
            ByteBuffer buffer = encoder.encode(record);
            return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------- values

    /** How hostile the values of one record may be, and how many bytes its one long string or huge array may take. */
    private static final class Budget {
        enum Mode { VALID, HOSTILE, TINY }

        final Mode mode;
        final boolean hostile;
        int bytes;

        Budget(Mode mode, int bytes) {
            this.mode = mode;
            this.hostile = mode == Mode.HOSTILE;
            this.bytes = bytes;
        }
    }

    private Object value(Schema schema, SpecificData model, String name, Budget budget) {
        Object raw = switch (schema.getType()) {
            case NULL -> null;
            case BOOLEAN -> random.nextBoolean();
            case INT -> budget.hostile && random.nextInt(3) == 0 ? pick(new Integer[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0})
                    : random.nextInt(1_000);
            case LONG -> budget.hostile && random.nextInt(3) == 0 ? pick(new Long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L})
                    : isTimestamp(schema) ? TIME_FROM + random.nextLong(TIME_SPAN) : random.nextLong(10_000_000L);
            case FLOAT -> random.nextInt(1000) / 8f;
            case DOUBLE -> random.nextInt(1000) / 8d;
            case STRING -> switch (budget.mode) {
                case VALID -> id(name);
                case HOSTILE -> hostileString(name, budget);
                case TINY -> pick(TINY_STRINGS);
            };
            case BYTES -> ByteBuffer.wrap(randomBytes(random.nextInt(16)));
            case FIXED -> model.createFixed(null, randomBytes(schema.getFixedSize()), schema);
            case ENUM -> model.createEnum(pick(schema.getEnumSymbols()), schema);
            case UNION -> value(pick(schema.getTypes()), model, name, budget);
            case ARRAY -> {
                int n = items(budget);
                Budget each = n == HUGE_ARRAY ? new Budget(Budget.Mode.TINY, 0) : budget;
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(value(schema.getElementType(), model, name, each));
                }
                yield list;
            }
            case MAP -> {
                int n = items(budget);
                Budget each = n == HUGE_ARRAY ? new Budget(Budget.Mode.TINY, 0) : budget;
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(n == HUGE_ARRAY ? Integer.toString(i, 36) : id(name) + "-" + i, value(schema.getValueType(), model, name, each));
                }
                yield map;
            }
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), value(field.schema(), model, field.name(), budget));
                }
                yield record;
            }
        };
        LogicalType logicalType = schema.getLogicalType();
        Conversion<?> conversion = logicalType == null ? null : model.getConversionFor(logicalType);
        return conversion == null || raw == null ? raw : Conversions.convertToLogicalType(raw, schema, logicalType, conversion);
    }

    private static boolean isTimestamp(Schema schema) {
        return schema.getLogicalType() != null && schema.getLogicalType().getName().startsWith("timestamp");
    }

    /** Items of an array or map: a few, or in a hostile record now and then 100,000 of the smallest there are. */
    private int items(Budget budget) {
        if (budget.hostile && budget.bytes >= 400_000 && random.nextInt(3) == 0) {
            budget.bytes = 0;
            return HUGE_ARRAY;
        }
        return random.nextInt(budget.hostile ? 6 : 4);
    }

    /** An id such as a service writes: the field's own noun and a short token, "vm-web07", "job-3f2a". */
    private String id(String field) {
        String f = field.toLowerCase(Locale.ROOT);
        int number = random.nextInt(100);
        String word = pick(WORDS) + (number < 10 ? "0" : "") + number;
        if (f.contains("resourceid") || f.contains("azurevmid") || f.contains("diskids") || f.contains("interfaceids")) {
            String provider = f.contains("disk") ? "Microsoft.Compute/disks/" : f.contains("interface")
                    ? "Microsoft.Network/networkInterfaces/" : "Microsoft.Compute/virtualMachines/";
            return "/subscriptions/" + hex(8) + "/resourceGroups/rg-dr/providers/" + provider + word;
        }
        if (f.contains("disks")) {
            return "[datastore" + random.nextInt(4) + "] mt-0" + random.nextInt(4) + "/" + word + "_" + random.nextInt(4) + ".vmdk";
        }
        if (f.contains("requestedby")) {
            return pick(List.of("ops@example.org", "alice", "svc-failback", "bob@example.org"));
        }
        if (f.endsWith("id") || f.endsWith("ids")) {
            String noun = NOUNS.computeIfAbsent(field,
                    n -> n.replaceAll("Ids?$", "").replaceAll(".*(?=[A-Z])", "").toLowerCase(Locale.ROOT));
            return (noun.isEmpty() ? "id" : noun) + "-" + (noun.equals("vm") ? word : hex(4 + random.nextInt(5)));
        }
        if (f.contains("message") || f.contains("detail") || f.contains("action")) {
            return pick(WORDS) + " " + pick(List.of("sent", "failed", "done", "refused")) + " after " + random.nextInt(60) + " s";
        }
        return word;
    }

    /** A string from outside at its worst: control characters, separators, overrides, or ~450 KB of them. */
    private String hostileString(String field, Budget budget) {
        if (budget.bytes >= 2_000 && random.nextInt(3) == 0) {
            int target = random.nextInt(1_000, Math.min(LONGEST_STRING_BYTES, budget.bytes) + 1);
            budget.bytes = 0;
            StringBuilder s = new StringBuilder(target);
            int bytes = 0;
            while (bytes < target) {
                int piece = random.nextInt(PIECES.size());
                s.append(PIECES.get(piece));
                bytes += PIECE_BYTES[piece];
            }
            return s.toString();
        }
        int roll = random.nextInt(10);
        if (roll < 3) {
            return id(field);
        }
        if (roll < 6) {
            return pick(HOSTILE_FRAGMENTS);
        }
        StringBuilder s = new StringBuilder(id(field));
        for (int i = random.nextInt(1, 5); i > 0; i--) {
            s.insert(random.nextInt(s.length() + 1), pick(HOSTILE_FRAGMENTS));
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------- mutations

    private Sample mutated(Class<? extends SpecificRecord> type) {
        SpecificRecord record = valid(type);
        byte[] bytes = encode(record);
        List<String> done = new ArrayList<>();
        for (int n = random.nextInt(1, 4); n > 0; n--) {
            int roll = random.nextInt(8);
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            switch (roll) {
                case 0, 1 -> {
                    if (bytes.length > 0) {
                        int bit = random.nextInt(8);
                        bytes[at] ^= (byte) (1 << bit);
                        done.add("flipped bit " + bit + " of byte " + at);
                    }
                }
                case 2 -> {
                    if (bytes.length > 0) {
                        byte b = pick(new Byte[] {0, (byte) 0xFF, (byte) 0x80, 0x7F, (byte) random.nextInt(256)});
                        bytes[at] = b;
                        done.add("set byte " + at + " to " + (b & 0xff));
                    }
                }
                case 3 -> {
                    bytes = Arrays.copyOf(bytes, at);
                    done.add("cut to " + at + " bytes");
                }
                case 4 -> {
                    byte[] inserted = randomBytes(random.nextInt(1, 9));
                    bytes = splice(bytes, at, 0, inserted);
                    done.add("inserted " + inserted.length + " bytes at " + at);
                }
                case 5 -> {
                    int length = Math.min(random.nextInt(1, 9), bytes.length - at);
                    bytes = splice(bytes, at, length, new byte[0]);
                    done.add("deleted " + length + " bytes at " + at);
                }
                case 6 -> {
                    if (bytes.length >= 10) {
                        long fingerprint = random.nextInt(4) == 0 ? random.nextLong() : pick(knownFingerprints);
                        writeFingerprint(bytes, fingerprint);
                        done.add("fingerprint swapped for " + Long.toHexString(fingerprint));
                    }
                }
                default -> {
                    int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                    int length = Math.min(random.nextInt(1, 17), bytes.length - from);
                    bytes = splice(bytes, at, 0, Arrays.copyOfRange(bytes, from, from + length));
                    done.add("repeated " + length + " bytes of " + from + " at " + at);
                }
            }
        }
        return sample(Kind.MUTATED, type, record, bytes, "a " + type.getSimpleName() + " " + String.join(", ", done));
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        byte[] out = new byte[bytes.length - remove + insert.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(bytes, at + remove, out, at + insert.length, bytes.length - at - remove);
        return out;
    }

    // ------------------------------------------------------------------------------------------- hostile bytes

    private Sample hostileBytes(Class<? extends SpecificRecord> type) {
        Schema schema = SpecificData.getForClass(type).getSchema(type);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        String name = type.getSimpleName();
        int roll = random.nextInt(30);
        byte[] value;
        String what;
        if (roll == 0) {
            value = new byte[0];
            what = "no bytes";
        } else if (roll <= 2) {
            value = randomBytes(random.nextInt(1, 65));
            what = value.length + " random bytes";
        } else if (roll == 3) {
            value = pick(List.of("{\"requestId\": \"req-1\"}", "null", "\u0000", "\n", "\u00c3\u0001"))
                    .getBytes(StandardCharsets.UTF_8);
            what = "text, not Avro";
        } else if (roll == 4) {
            value = Arrays.copyOf(header(fingerprint), random.nextInt(1, 10));
            what = "a header cut to " + value.length + " bytes";
        } else if (roll == 5) {
            value = header(fingerprint);
            what = "a " + name + " header and no datum";
        } else if (roll == 6) {
            value = concat(header(fingerprint), datum(schema).bytes());
            value[random.nextInt(2)] ^= (byte) random.nextInt(1, 256);
            what = "a wrong marker " + Integer.toHexString(value[0] & 0xff) + " " + Integer.toHexString(value[1] & 0xff);
        } else if (roll == 7) {
            long unknown = random.nextLong();
            value = concat(header(unknown), datum(schema).bytes());
            what = "an unknown fingerprint " + Long.toHexString(unknown);
        } else if (roll <= 17) {
            return hostileNumber(type, schema, fingerprint, roll <= 12);
        } else if (roll <= 19) {
            Tokens datum = datum(schema);
            int at = random.nextInt(datum.numbers.size());
            byte[] overlong = pick(List.of(repeat((byte) 0xFF, 10, (byte) 0x01), repeat((byte) 0xFF, 9, (byte) 0x7F),
                    repeat((byte) 0xFF, 5, (byte) 0x01), repeat((byte) 0x80, 12, (byte) 0x00), repeat((byte) 0xFF, 20, null)));
            value = concat(header(fingerprint), datum.bytes(datum.numbers.get(at), overlong, -1));
            what = "a varint of " + overlong.length + " bytes for the " + datum.roles.get(at);
        } else if (roll <= 22) {
            return arrayShape(type, schema, fingerprint);
        } else if (roll <= 24) {
            byte[] trailing = random.nextBoolean() ? randomBytes(random.nextInt(1, 17)) : datum(schema).bytes();
            value = concat(concat(header(fingerprint), datum(schema).bytes()), trailing);
            what = trailing.length + " bytes after a whole datum";
        } else if (roll <= 26) {
            Tokens datum = datum(schema);
            value = concat(header(fingerprint), datum.bytes());
            byte[] broken = pick(List.of(new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xE2, (byte) 0x82}));
            int lengthAt = datum.firstLength();
            if (lengthAt >= 0) {
                value = concat(header(fingerprint), datum.bytes(lengthAt, varint(broken.length), -1, lengthAt + 1, broken));
                what = "a string of invalid UTF-8 for the " + datum.roles.get(datum.numbers.indexOf(lengthAt));
            } else {
                what = "a whole datum (no string to break)";
            }
        } else if (roll == 27) {
            Tokens datum = datum(schema);
            int at = random.nextInt(datum.numbers.size());
            int part = datum.numbers.get(at);
            long n = zigzagged(datum.parts.get(part));
            byte[] padded = nonMinimal(n);
            value = concat(header(fingerprint), datum.bytes(part, padded, -1));
            what = "a whole datum with the " + datum.roles.get(at) + " " + n + " written in " + padded.length + " bytes";
        } else {
            int size = AvroSerde.MAX_RECORD_BYTES + random.nextInt(1, 4_097);
            Tokens datum = datum(schema);
            int lengthAt = datum.firstLength();
            byte[] whole = concat(header(fingerprint), datum.bytes());
            if (lengthAt >= 0 && random.nextBoolean()) {
                int grow = size - whole.length + datum.parts.get(lengthAt + 1).length;
                byte[] big = new byte[Math.max(grow, 0)];
                Arrays.fill(big, (byte) 'a');
                value = concat(header(fingerprint), datum.bytes(lengthAt, varint(big.length), -1, lengthAt + 1, big));
                what = "a whole datum of " + value.length + " bytes, over the limit, its " + datum.roles.get(datum.numbers.indexOf(lengthAt))
                        + " " + big.length + " bytes";
            } else {
                value = Arrays.copyOf(whole, Math.max(size, whole.length));
                what = "a datum padded to " + value.length + " bytes, over the limit";
            }
        }
        return sample(Kind.HOSTILE_BYTES, type, null, value, name + ": " + what);
    }

    /** A length, count, index or number replaced by one no record has, the rest kept or cut a few bytes after. */
    private Sample hostileNumber(Class<? extends SpecificRecord> type, Schema schema, long fingerprint, boolean cut) {
        Tokens datum = datum(schema);
        int at = random.nextInt(datum.numbers.size());
        long n = HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)];
        int keep = cut ? random.nextInt(0, 9) : -1;
        byte[] value = concat(header(fingerprint), datum.bytes(datum.numbers.get(at), varint(n), keep));
        return sample(Kind.HOSTILE_BYTES, type, null, value, type.getSimpleName() + ": the " + datum.roles.get(at) + " is " + n
                + (cut ? ", " + keep + " bytes kept after it" : ""));
    }

    /** Arrays and maps in shapes a decoder must bound: many blocks, negative counts with right or wrong sizes, counts beyond the items. */
    private Sample arrayShape(Class<? extends SpecificRecord> type, Schema schema, long fingerprint) {
        int shape = random.nextInt(5);
        Tokens datum = new Tokens();
        writeRandom(schema, datum, "", shape);
        String what = switch (shape) {
            case 0 -> "every array in 5,000 blocks of one item";
            case 1 -> "every array's blocks with negative counts and their right sizes (valid)";
            case 2 -> "every array's blocks with negative counts and wrong sizes";
            case 3 -> "every array declaring 1,000,000 items and holding 3";
            default -> "every array holding 100,000 empty items";
        };
        byte[] value = concat(header(fingerprint), datum.bytes());
        return sample(Kind.HOSTILE_BYTES, type, null, value, type.getSimpleName() + ": " + what
                + (datum.roles.stream().anyMatch(r -> r.startsWith("item count")) ? "" : " (it has none)"));
    }

    /** A datum written part by part, each number (length, count, index, int, long) its own part so it can be replaced. */
    private static final class Tokens {
        final List<byte[]> parts = new ArrayList<>();
        /** Indexes into {@link #parts} of the numbers, and what each is. */
        final List<Integer> numbers = new ArrayList<>();
        final List<String> roles = new ArrayList<>();

        void number(long n, String role) {
            numbers.add(parts.size());
            roles.add(role);
            parts.add(varint(n));
        }

        void raw(byte[] bytes) {
            parts.add(bytes);
        }

        int firstLength() {
            for (int i = 0; i < numbers.size(); i++) {
                if (roles.get(i).startsWith("length")) {
                    return numbers.get(i);
                }
            }
            return -1;
        }

        byte[] bytes() {
            return bytes(-1, null, -1);
        }

        /** The parts with part {@code replace} replaced; when {@code keepAfter >= 0}, cut that many bytes after it. */
        byte[] bytes(int replace, byte[] with, int keepAfter) {
            return bytes(replace, with, keepAfter, -1, null);
        }

        byte[] bytes(int replace, byte[] with, int keepAfter, int replace2, byte[] with2) {
            int size = 0;
            for (int i = 0; i < parts.size(); i++) {
                size += (i == replace ? with : i == replace2 ? with2 : parts.get(i)).length;
            }
            byte[] all = new byte[size];
            int at = 0;
            int cutAt = size;
            for (int i = 0; i < parts.size() && at < cutAt; i++) {
                byte[] part = i == replace ? with : i == replace2 ? with2 : parts.get(i);
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
                if (i == replace && keepAfter >= 0) {
                    cutAt = Math.min(size, at + keepAfter);
                }
            }
            return cutAt < size ? Arrays.copyOf(all, cutAt) : all;
        }
    }

    private Tokens datum(Schema schema) {
        Tokens tokens = new Tokens();
        writeRandom(schema, tokens, "", -1);
        if (tokens.numbers.isEmpty()) {
            // Every catalog value type has a string at least; a type without any number can't carry a hostile one.
            throw new IllegalArgumentException(schema.getFullName() + " has no length, count, index or number to make hostile");
        }
        return tokens;
    }

    /** Writes a random datum of {@code schema} without Avro, its arrays and maps in the given shape (-1: plainly). */
    private void writeRandom(Schema schema, Tokens out, String name, int arrayShape) {
        switch (schema.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> out.raw(new byte[] {(byte) random.nextInt(2)});
            case INT -> out.number(random.nextInt(1_000), "int " + name);
            case LONG -> out.number(isTimestamp(schema) ? TIME_FROM + random.nextLong(TIME_SPAN) : random.nextLong(1_000_000), "long " + name);
            case FLOAT -> out.raw(randomBytes(4));
            case DOUBLE -> out.raw(randomBytes(8));
            case STRING, BYTES -> {
                byte[] bytes = (schema.getType() == Schema.Type.STRING ? id(name).getBytes(StandardCharsets.UTF_8) : randomBytes(random.nextInt(8)));
                out.number(bytes.length, "length of " + label(name));
                out.raw(bytes);
            }
            case FIXED -> out.raw(randomBytes(schema.getFixedSize()));
            case ENUM -> out.number(random.nextInt(schema.getEnumSymbols().size()), "enum symbol of " + label(name));
            case UNION -> {
                int branch = random.nextInt(schema.getTypes().size());
                out.number(branch, "union branch of " + label(name));
                writeRandom(schema.getTypes().get(branch), out, name, arrayShape);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    writeRandom(field.schema(), out, field.name(), arrayShape);
                }
            }
            case ARRAY, MAP -> writeBlocks(schema, out, name, arrayShape);
        }
    }

    private void writeBlocks(Schema schema, Tokens out, String name, int shape) {
        boolean map = schema.getType() == Schema.Type.MAP;
        Schema item = map ? schema.getValueType() : schema.getElementType();
        String role = "item count of " + label(name);
        int n = switch (shape) {
            case 0 -> 5_000;
            case 3 -> 3;
            case 4 -> HUGE_ARRAY;
            default -> random.nextInt(1, 4);
        };
        if (shape == 3) {
            out.number(1_000_000, role);
        } else if (shape == 1 || shape == 2) {
            Tokens block = new Tokens();
            for (int i = 0; i < n; i++) {
                writeItem(map, item, block, name, i, -1);
            }
            byte[] bytes = block.bytes();
            out.number(-n, role);
            out.number(shape == 1 ? bytes.length : bytes.length + random.nextInt(1, 4) * (random.nextBoolean() ? 1 : -1)
                    , "block size of " + label(name));
            out.raw(bytes);
            out.number(0, "end of " + label(name));
            return;
        } else if (shape != 0) {
            out.number(n, role);
        }
        if (shape == 4) {
            // The smallest item there is, n times: every field zero, every string and array empty, union branch 0.
            byte[] one = smallest(item, map);
            byte[] all = new byte[one.length * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(one, 0, all, i * one.length, one.length);
            }
            out.raw(all);
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            if (shape == 0) {
                out.number(1, role);
            }
            writeItem(map, item, out, name, i, -1);
        }
        out.number(0, "end of " + label(name));
    }

    private void writeItem(boolean map, Schema item, Tokens out, String name, int i, int shape) {
        if (map) {
            byte[] key = (id(name) + "-" + i).getBytes(StandardCharsets.UTF_8);
            out.number(key.length, "length of a key of " + label(name));
            out.raw(key);
        }
        writeRandom(item, out, name, shape);
    }

    private static byte[] smallest(Schema schema, boolean withKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (withKey) {
            out.write(0);
        }
        smallest(schema, out);
        return out.toByteArray();
    }

    private static void smallest(Schema schema, ByteArrayOutputStream out) {
        switch (schema.getType()) {
            case NULL -> {
            }
            case FLOAT -> out.writeBytes(new byte[4]);
            case DOUBLE -> out.writeBytes(new byte[8]);
            case FIXED -> out.writeBytes(new byte[schema.getFixedSize()]);
            case UNION -> {
                out.write(0);
                smallest(schema.getTypes().get(0), out);
            }
            case RECORD -> schema.getFields().forEach(f -> smallest(f.schema(), out));
            default -> out.write(0);
        }
    }

    private static String label(String name) {
        return name.isEmpty() ? "the record" : name;
    }

    // ------------------------------------------------------------------------------------------- keys and bytes

    private Sample sample(Kind kind, Class<? extends SpecificRecord> type, SpecificRecord record, byte[] value, String description) {
        int roll = random.nextInt(100);
        byte[] key;
        String keyWhat;
        if (roll < 85) {
            String natural = record == null ? id(pick(List.of("vmId", "jobId", "requestId"))) : naturalKey(type, record);
            key = natural.getBytes(StandardCharsets.UTF_8);
            keyWhat = "";
        } else if (roll < 90) {
            key = randomBytes(random.nextInt(1, 65));
            keyWhat = "; key " + key.length + " random bytes";
        } else if (roll < 94) {
            key = null;
            keyWhat = "; key null";
        } else if (roll < 97) {
            key = new byte[0];
            keyWhat = "; key empty";
        } else {
            key = randomBytes(random.nextInt(65_536, 262_145));
            keyWhat = "; key " + key.length + " random bytes";
        }
        return new Sample(kind, key, value, description + keyWhat);
    }

    private static final Pattern KEY_FIELD = Pattern.compile("key = (\\w+)\\b(?![/{])");

    /** The key the catalog names for the type (its role text says "key = jobId"), or a path like "item/{vmId}". */
    private static String naturalKey(Class<? extends SpecificRecord> type, SpecificRecord record) {
        String role = Topics.ALL.stream().filter(t -> t.valueSerde() instanceof AvroSerde<?> s && s.type() == type)
                .map(Topic::role).findFirst().orElse("");
        Matcher m = KEY_FIELD.matcher(role);
        if (m.find() && record.getSchema().getField(m.group(1)) != null) {
            return String.valueOf(record.get(record.getSchema().getField(m.group(1)).pos()));
        }
        Object inner = record.getSchema().getFields().size() == 1 ? record.get(0) : record;
        if (inner instanceof SpecificRecord entry) {
            String kind = entry.getSchema().getName();
            Object vm = field(entry, "vmId");
            Object plan = field(entry, "planId");
            return switch (kind) {
                case "ProtectedItem" -> "item/" + vm;
                case "RecoveryPlan" -> "plan/" + plan;
                case "RecoveryPlanMember" -> "plan/" + plan + "/vm/" + vm;
                case "ConfigServerHeartbeat" -> "config-server/" + field(entry, "configServerId");
                case "AgentRegistration" -> "agent/" + vm;
                case "RecoveryPoint" -> vm + "/" + field(entry, "pointId");
                default -> String.valueOf(entry.get(0));
            };
        }
        return String.valueOf(record.get(0));
    }

    private static Object field(SpecificRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    private static byte[] header(long fingerprint) {
        byte[] header = {(byte) 0xC3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
        writeFingerprint(header, fingerprint);
        return header;
    }

    private static void writeFingerprint(byte[] bytes, long fingerprint) {
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
    }

    /** Avro's zig-zag varint. */
    static byte[] varint(long n) {
        long z = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream(10);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    /** The same number in more bytes than needed, as the spec does not forbid: 10 bytes for a long. */
    private static byte[] nonMinimal(long n) {
        long z = (n << 1) ^ (n >> 63);
        byte[] out = new byte[10];
        for (int i = 0; i < 9; i++) {
            out[i] = (byte) ((z & 0x7F) | 0x80);
            z >>>= 7;
        }
        out[9] = (byte) z;
        return out;
    }

    private static long zigzagged(byte[] varint) {
        long raw = 0;
        for (int i = 0; i < varint.length; i++) {
            raw |= (long) (varint[i] & 0x7F) << (7 * i);
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    private static byte[] repeat(byte b, int times, Byte last) {
        byte[] out = new byte[times + (last == null ? 0 : 1)];
        Arrays.fill(out, b);
        if (last != null) {
            out[times] = last;
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private String hex(int digits) {
        StringBuilder s = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            s.append(Character.forDigit(random.nextInt(16), 16));
        }
        return s.toString();
    }

    private <E> E pick(List<E> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private <E> E pick(E[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
