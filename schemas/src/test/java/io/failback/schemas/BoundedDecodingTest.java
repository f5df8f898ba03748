package io.failback.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import io.failback.messages.FailbackRequest;
import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a hostile producer can write to a topic, refused by name before Avro decodes it: the cases of
 * the report (a 10^9-byte and a 2^31-1-byte string declared in an 18-byte record) and each rule of the
 * check, one by one, on hand-written FailbackRequest datums.
 */
class BoundedDecodingTest {

    private static final AvroSerde<FailbackRequest> SERDE = AvroSerde.of(FailbackRequest.class);
    private static final long ALLOWED_ALLOCATION = 1_048_576;

    @ParameterizedTest(name = "declared length {0}")
    @MethodSource("reportedLengths")
    void shouldRefuseAHugeDeclaredStringWithoutAllocatingIt(long declared) {
        // given the reported record: a header, a string length of 10^9 (or 2^31-1), three bytes of it
        byte[] record = datum(FailbackRequest.getClassSchema(), declared, raw("abc"));
        assertThat(record).hasSize(18);
        refusal(SERDE, datum(FailbackRequest.getClassSchema(), 5L, raw("a"))); // loads what a first refusal loads

        // when it is read
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        UnreadableRecordException refused = refusal(SERDE, record);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // then it is refused by name, having cost far less than the declared length
        assertThat(allocated).as("bytes allocated to refuse it").isLessThan(ALLOWED_ALLOCATION);
        assertThat(refused.problem()).isEqualTo(Problem.LENGTH_BEYOND_RECORD);
        assertThat(refused.getMessage()).contains("a length of " + declared + " bytes at byte 10");
    }

    static List<Long> reportedLengths() {
        return List.of(1_000_000_000L, (long) Integer.MAX_VALUE);
    }

    @Test
    void shouldReadAHandWrittenDatumThatTheCheckWalks() {
        byte[] record = datum(FailbackRequest.getClassSchema(), valid());

        FailbackRequest read = SERDE.deserialize("t", record);

        assertThat(read.getRequestId()).isEqualTo("req-1");
        assertThat(read.getVmIds()).containsExactly("vm-a", "vm-b");
        assertThat(SERDE.serialize("t", read)).isEqualTo(record);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedDatums")
    void shouldRefuseByNameWhatCantBeARealRecord(String what, Problem expected, Object[] datum) {
        UnreadableRecordException refused = refusal(SERDE, datum(FailbackRequest.getClassSchema(), datum));

        assertThat(refused.problem()).as(refused.getMessage()).isEqualTo(expected);
        assertThat(refused.topic()).isEqualTo("t");
    }

    static Stream<Arguments> refusedDatums() {
        return Stream.of(
                refused("a negative string length", Problem.CORRUPT_DATUM, replace(0, -1L)),
                refused("a string length of 2^63-1", Problem.LENGTH_BEYOND_RECORD, replace(0, Long.MAX_VALUE)),
                refused("a string length one past the end", Problem.LENGTH_BEYOND_RECORD, cutAfter(valid(), 1, 1L)),
                refused("an 11-byte varint", Problem.CORRUPT_DATUM,
                        replace(0, raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}))),
                refused("a 10-byte varint over 64 bits", Problem.CORRUPT_DATUM,
                        replace(2, raw(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x7F}))),
                refused("an int of 6 bytes", Problem.CORRUPT_DATUM, replace(11, raw(new byte[] {-1, -1, -1, -1, -1, 1}))),
                refused("an array count beyond the record", Problem.LENGTH_BEYOND_RECORD, replace(3, 1_000_000_000L)),
                refused("a negative block count of Long.MIN_VALUE", Problem.CORRUPT_DATUM, replace(3, Long.MIN_VALUE)),
                refused("a negative block count with a wrong size", Problem.CORRUPT_DATUM, negativeBlock(1)),
                refused("a negative block size", Problem.CORRUPT_DATUM, negativeBlock(-100)),
                refused("a union branch past the last", Problem.CORRUPT_DATUM, replace(7, 2L)),
                refused("a negative union branch", Problem.CORRUPT_DATUM, replace(7, -1L)),
                refused("an enum symbol past the last", Problem.CORRUPT_DATUM, replace(8, 3L)),
                refused("a datum cut in a number", Problem.CORRUPT_DATUM, cutAfter(valid(), 8, null)),
                refused("a byte after the datum", Problem.TRAILING_BYTES, append(valid(), new Object[] {raw(new byte[] {0})})),
                refused("a second datum after the first", Problem.TRAILING_BYTES, append(valid(), valid())));
    }

    @Test
    void shouldReadABlockWithANegativeCountAndItsRightSizeAsTheSpecAllows() {
        byte[] record = datum(FailbackRequest.getClassSchema(), negativeBlock(0));

        assertThat(SERDE.deserialize("t", record).getVmIds()).containsExactly("vm-a", "vm-b");
    }

    @Test
    void shouldRefuseMoreThanAHundredThousandItemsOfZeroSize() {
        // given a writer schema with an array of nulls, each item taking no bytes at all
        Schema nulls = new Schema.Parser().parse("""
                {"type": "record", "name": "FailbackRequest", "namespace": "io.failback.messages",
                 "fields": [{"name": "pads", "type": {"type": "array", "items": "null"}}]}""");
        AvroSerde<FailbackRequest> serde = AvroSerde.of(FailbackRequest.class, nulls);

        // when a datum declares 100,001 of them in two bytes
        UnreadableRecordException refused = refusal(serde, datum(nulls, 100_001L, 0L));

        // then it is refused before Avro makes a list of them
        assertThat(refused.problem()).isEqualTo(Problem.TOO_LARGE);
    }

    @Test
    void shouldRefuseNestingDeeperThanARealRecordWithoutOverflowingTheStack() {
        // given a recursive writer schema and a datum nesting it 10,000 times, one byte a level
        Schema recursive = new Schema.Parser().parse("""
                {"type": "record", "name": "FailbackRequest", "namespace": "io.failback.messages",
                 "fields": [{"name": "next", "type": ["null", "FailbackRequest"]}]}""");
        AvroSerde<FailbackRequest> serde = AvroSerde.of(FailbackRequest.class, recursive);
        Object[] levels = new Object[10_001];
        java.util.Arrays.fill(levels, 1L);
        levels[10_000] = 0L;

        UnreadableRecordException refused = refusal(serde, datum(recursive, levels));

        assertThat(refused.problem()).isEqualTo(Problem.CORRUPT_DATUM);
        assertThat(refused.getMessage()).contains("nesting deeper than");
    }

    @Test
    void shouldNameWhatAvroStillRefusesAfterTheCheckAsACorruptDatumWithItsCause() {
        // given a writer schema the checker walks but the reader can't resolve (no requestId, which has no default)
        Schema unresolvable = new Schema.Parser().parse("""
                {"type": "record", "name": "FailbackRequest", "namespace": "io.failback.messages",
                 "fields": [{"name": "note", "type": "string"}]}""");
        AvroSerde<FailbackRequest> serde = AvroSerde.of(FailbackRequest.class, unresolvable);

        UnreadableRecordException refused = refusal(serde, datum(unresolvable, "hi"));

        assertThat(refused.problem()).isEqualTo(Problem.CORRUPT_DATUM);
        assertThat(refused.getCause()).isNotNull();
    }

    @Test
    void shouldWriteAndReadARecordOfExactlyTheLimitAndRefuseOneByteMoreOnBothSides() {
        // given requests whose encodings are exactly the limit and one byte over it
        FailbackRequest atLimit = requestOfSize(AvroSerde.MAX_RECORD_BYTES);
        FailbackRequest overLimit = requestOfSize(AvroSerde.MAX_RECORD_BYTES + 1);

        // when they are written, then the first is written and read back, the second refused with type and size
        byte[] bytes = SERDE.serialize("failback.requests", atLimit);
        assertThat(bytes).hasSize(AvroSerde.MAX_RECORD_BYTES);
        assertThat(SERDE.deserialize("failback.requests", bytes)).isEqualTo(atLimit);
        assertThatThrownBy(() -> SERDE.serialize("failback.requests", overLimit))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("FailbackRequest").hasMessageContaining((AvroSerde.MAX_RECORD_BYTES + 1) + " bytes")
                .hasMessageContaining("failback.requests");

        // and bytes over the limit are refused on reading without being decoded
        byte[] over = java.util.Arrays.copyOf(bytes, AvroSerde.MAX_RECORD_BYTES + 1);
        assertThat(refusal(SERDE, over).problem()).isEqualTo(Problem.TOO_LARGE);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("releasedSamples")
    void shouldReadASampleWrittenWithEveryReleasedVersion(String name, int version, Schema released, SpecificRecord sample)
            throws IOException {
        // given a sample as a producer of that released version wrote it
        GenericRecord old = project(sample, released);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), released).encode(old).array();

        // when today's reader reads it
        SpecificRecord read = (SpecificRecord) AvroSerde.of(sample.getClass()).deserialize("t", bytes);

        // then it holds what the old producer wrote
        assertThat(project(read, released)).isEqualTo(old);
    }

    static Stream<Arguments> releasedSamples() {
        return SampleMessages.all().stream().flatMap(sample -> ReleasedSchemas.get().versionsOf(sample.getSchema().getFullName())
                .stream().filter(v -> writableBy(sample, v.schema()))
                .map(v -> Arguments.of(sample.getSchema().getName(), v.version(), v.schema(), sample)));
    }

    /** Whether a producer of {@code schema} could have written {@code sample}: not one with a symbol or branch added since. */
    private static boolean writableBy(SpecificRecord sample, Schema schema) {
        try {
            project(sample, schema);
            return true;
        } catch (IOException | org.apache.avro.AvroTypeException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static UnreadableRecordException refusal(AvroSerde<?> serde, byte[] record) {
        try {
            serde.deserialize("t", record);
        } catch (UnreadableRecordException e) {
            return e;
        }
        throw new AssertionError("read, not refused");
    }

    /** A raw part of a hand-written datum; every Long is written as a zig-zag varint, every String with its length. */
    private record Raw(byte[] bytes) {
    }

    private static Raw raw(String s) {
        return new Raw(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Raw raw(byte[] bytes) {
        return new Raw(bytes);
    }

    /**
     * A valid FailbackRequest datum, one part per token: 0 requestId, 1 requestedBy, 2 requestedAt, 3 vmIds
     * count, 4 and 5 two vmIds, 6 end of vmIds, 7 planId branch, 8 recoveryPoint, 9 commitPolicy kind,
     * 10 delaySeconds, 11 reprotect branch.
     */
    private static Object[] valid() {
        // ..., reprotect null, no alternate locations
        return new Object[] {"req-1", "ops", 1_790_000_000_000L, 2L, "vm-a", "vm-b", 0L, 0L, 1L, 2L, 600L, 0L, 0L};
    }

    private static Object[] replace(int index, Object with) {
        Object[] parts = valid();
        parts[index] = with;
        return parts;
    }

    /** The first {@code count} parts, then {@code last} (when not null). */
    private static Object[] cutAfter(Object[] parts, int count, Object last) {
        Object[] cut = java.util.Arrays.copyOf(parts, count + (last == null ? 0 : 1));
        if (last != null) {
            cut[count] = last;
        }
        return cut;
    }

    private static Object[] append(Object[] parts, Object[] more) {
        Object[] all = java.util.Arrays.copyOf(parts, parts.length + more.length);
        System.arraycopy(more, 0, all, parts.length, more.length);
        return all;
    }

    /** The two vmIds in one block of count -2 and its byte size, off by {@code sizeError}. */
    private static Object[] negativeBlock(int sizeError) {
        Object[] parts = valid();
        long size = 2 * (1 + "vm-a".length());
        return new Object[] {parts[0], parts[1], parts[2], -2L, sizeError < -1 ? (long) sizeError : size + sizeError,
                "vm-a", "vm-b", 0L, 0L, 1L, 2L, 600L, 0L, 0L};
    }

    private static Arguments refused(String what, Problem problem, Object[] datum) {
        return Arguments.of(what, problem, datum);
    }

    /** The single-object encoding of a hand-written datum of {@code writer}. */
    private static byte[] datum(Schema writer, Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(writer);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fingerprint >>> (8 * i)) & 0xff);
        }
        for (Object part : parts) {
            if (part instanceof Long n) {
                writeVarint(out, n);
            } else if (part instanceof String s) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                writeVarint(out, bytes.length);
                out.writeBytes(bytes);
            } else {
                out.writeBytes(((Raw) part).bytes());
            }
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long n) {
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    /** A request whose encoding is {@code size} bytes: its requestId fills what the other fields leave. */
    private static FailbackRequest requestOfSize(int size) {
        FailbackRequest request = FailbackRequest.newBuilder(SampleMessages.vmRequest()).setRequestId("").build();
        int length = size - encodedSize(request);
        request.setRequestId("r".repeat(length));
        // The requestId's length prefix grew from one byte to a few; take those off the string.
        request.setRequestId("r".repeat(length - (encodedSize(request) - size)));
        return request;
    }

    private static int encodedSize(FailbackRequest request) {
        try {
            return FailbackRequest.getEncoder().encode(request).remaining();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code record} as a reader of {@code schema} sees it, by Avro's own schema resolution. */
    private static GenericRecord project(SpecificRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                .write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema(), schema, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
