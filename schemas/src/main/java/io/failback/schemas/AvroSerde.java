package io.failback.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
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
 * A null value (a tombstone) stays null both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static {
        TrustedMessages.ensureTrusted();
    }

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, SchemaStore store) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
    }

    /** The serde for {@code type}, reading its current schema and every released version. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, ReleasedSchemas.get().storeFor(SpecificData.get().getSchema(type).getFullName()));
    }

    /** As {@link #of(Class)} but also reading the given writer schemas (for tests of schema evolution). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, Schema... extraWriterSchemas) {
        SchemaStore.Cache store = ReleasedSchemas.get().storeFor(SpecificData.get().getSchema(type).getFullName());
        for (Schema schema : extraWriterSchemas) {
            store.addSchema(schema);
        }
        return new AvroSerde<>(type, store);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(data);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new org.apache.kafka.common.errors.SerializationException(
                    "cannot encode " + type.getSimpleName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.EMPTY, topic, "zero bytes", null);
        }
        try {
            return decoder.decode(data);
        } catch (MissingSchemaException e) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.UNKNOWN_SCHEMA_FINGERPRINT, topic,
                    "no released " + type.getSimpleName() + " schema has this fingerprint", e);
        } catch (BadHeaderException e) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.NOT_SINGLE_OBJECT_ENCODED, topic,
                    e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw new UnreadableRecordException(UnreadableRecordException.Problem.CORRUPT_DATUM, topic,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
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
