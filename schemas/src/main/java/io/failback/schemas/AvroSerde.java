package io.failback.schemas;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer, deserializer and Streams serde for one Avro record type, in Avro's single-object
 * encoding: {@code C3 01}, the writer schema's 64-bit fingerprint, then the binary datum. The reader
 * resolves every released version of the type; anything else raises {@link UnreadableRecordException}.
 * Before Avro decodes, the bytes are checked against the writer schema the fingerprint names (see
 * {@link DatumCheck}) and refused when they can't be one real record of at most {@link #MAX_RECORD_BYTES},
 * so no producer can make a reader allocate more than a record's size or fail with anything but a named
 * problem. A null value (a tombstone) stays null both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static {
        TrustedMessages.ensureTrusted();
    }

    /**
     * The largest value, in bytes, that is written or read: larger ones are refused on encode and, without
     * being decoded, on decode. Every topic's {@code max.message.bytes} is set from it.
     */
    public static final int MAX_RECORD_BYTES = 1_048_576;

    /** Avro's single-object header: the marker C3 01 and the writer schema's 64-bit fingerprint. */
    private static final int HEADER_BYTES = 10;

    /** Each thread's buffer and Avro encoder, reused from one record to the next (a record is copied out once). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Class<T> type;
    /** The single-object header of the current schema: C3 01 and its fingerprint, little-endian. */
    private final byte[] header;
    private final DatumWriter<T> writer;
    /** The same encoding, compiled from the schema ({@link CompiledWriter}); null if it couldn't be, and Avro's writes. */
    private final CompiledWriter<T> compiled;
    private final BinaryMessageDecoder<T> decoder;
    private final Map<Long, DatumCheck> checks;

    private AvroSerde(Class<T> type, List<Schema> writerSchemas) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.header = header(SchemaNormalization.parsingFingerprint64(current));
        @SuppressWarnings("unchecked")
        DatumWriter<T> datumWriter = (DatumWriter<T>) model.createDatumWriter(current);
        this.writer = datumWriter;
        this.compiled = CompiledWriter.of(current, model);
        SchemaStore.Cache store = new SchemaStore.Cache();
        List<Schema> writers = new ArrayList<>(writerSchemas);
        writers.add(current);
        Map<Long, DatumCheck> byFingerprint = new HashMap<>();
        for (Schema writer : writers) {
            store.addSchema(writer);
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(writer), new DatumCheck(writer));
        }
        this.checks = Map.copyOf(byFingerprint);
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
    }

    /** The serde for {@code type}, reading its current schema and every released version. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return of(type, new Schema[0]);
    }

    /** As {@link #of(Class)} but also reading the given writer schemas (for tests of schema evolution). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Schema... extraWriterSchemas) {
        List<Schema> writers = new ArrayList<>();
        ReleasedSchemas.get().versionsOf(SpecificData.get().getSchema(type).getFullName()).forEach(v -> writers.add(v.schema()));
        writers.addAll(List.of(extraWriterSchemas));
        return new AvroSerde<>(type, writers);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = encode(data);
        } catch (IOException | RuntimeException e) {
            throw new org.apache.kafka.common.errors.SerializationException(
                    "cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            // Refused here, where the service that made it can say so, rather than by the broker or every reader.
            throw new org.apache.kafka.common.errors.SerializationException("cannot encode " + type.getSimpleName()
                    + " for topic " + topic + ": " + bytes.length + " bytes, over the limit of " + MAX_RECORD_BYTES);
        }
        return bytes;
    }

    /**
     * {@code data}'s bytes by the compiled writer; a record it can't write (a required field left null, say) is written
     * by Avro's, which then fails with its own words or, should the two ever differ, writes it.
     */
    private byte[] encode(T data) throws IOException {
        if (compiled != null) {
            try {
                return SCRATCH.get().encode(header, compiled, data);
            } catch (RuntimeException e) {
                // Avro's writer below says what is wrong with the record
            }
        }
        return SCRATCH.get().encode(header, writer, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new UnreadableRecordException(Problem.EMPTY, topic, "zero bytes", null);
        }
        if (data.length > MAX_RECORD_BYTES) {
            throw new UnreadableRecordException(Problem.TOO_LARGE, topic,
                    data.length + " bytes, over the limit of " + MAX_RECORD_BYTES, null);
        }
        if (data.length < HEADER_BYTES || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new UnreadableRecordException(Problem.NOT_SINGLE_OBJECT_ENCODED, topic,
                    "no single-object header (C3 01 and an 8-byte fingerprint) in " + data.length + " bytes", null);
        }
        DatumCheck check = checks.get(fingerprint(data));
        if (check == null) {
            throw new UnreadableRecordException(Problem.UNKNOWN_SCHEMA_FINGERPRINT, topic,
                    "no released " + type.getSimpleName() + " schema has this fingerprint", null);
        }
        check.check(data, HEADER_BYTES, topic);
        try {
            return decoder.decode(data);
        } catch (IOException | RuntimeException e) {
            // Whatever Avro still throws after the check, a datum it can't read doesn't match its schema.
            throw new UnreadableRecordException(Problem.CORRUPT_DATUM, topic,
                    e.getClass().getSimpleName() + ": " + LogSafe.of(e.getMessage()), e);
        }
    }

    private static byte[] header(long fingerprint) {
        byte[] header = new byte[HEADER_BYTES];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 2; i < HEADER_BYTES; i++) {
            header[i] = (byte) fingerprint;
            fingerprint >>>= 8;
        }
        return header;
    }

    /**
     * A thread's reusable output: what {@link BinaryMessageEncoder} writes, without its per-byte synchronised
     * stream and its two copies of every record.
     */
    private static final class Scratch extends java.io.OutputStream {
        private byte[] buf = new byte[4096];
        private int count;
        private BinaryEncoder encoder;

        <T> byte[] encode(byte[] header, DatumWriter<T> writer, T datum) throws IOException {
            count = 0;
            write(header, 0, header.length);
            if (encoder == null) { // kept configured on this stream: configuring it again makes a sink and a channel each time
                encoder = EncoderFactory.get().binaryEncoder(this, null);
            }
            try {
                writer.write(datum, encoder);
                encoder.flush();
            } catch (IOException | RuntimeException e) {
                encoder = null; // whatever it still buffers belongs to the record that failed
                throw e;
            }
            byte[] bytes = java.util.Arrays.copyOf(buf, count);
            if (buf.length > 1 << 20) {
                buf = new byte[4096]; // one huge record doesn't keep its buffer for the thread's life
            }
            return bytes;
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }
    }

    /** The writer schema's fingerprint, little-endian after the marker, as the single-object encoding writes it. */
    private static long fingerprint(byte[] data) {
        long fingerprint = 0;
        for (int i = HEADER_BYTES - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (data[i] & 0xff);
        }
        return fingerprint;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // The type is fixed at construction; nothing to configure.
    }

    @Override
    public void close() {
        // Serde, Serializer and Deserializer all declare close(); nothing to release.
    }
}
