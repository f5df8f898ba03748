package io.failback.orchestrator.streams;

import java.util.function.BiFunction;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.VmJob;
import io.failback.schemas.AvroSerde;
import io.failback.state.StoredJob;
import io.failback.state.StoredVmJob;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serdes for the saga's own state in the changelogged stores. The stored form is the Avro state
 * schema (state.avdl) in single-object encoding, read through the bounded {@link AvroSerde}; records
 * stored as JSON by the version before that schema are still read ({@link LegacyStateJson}), and
 * rewritten as Avro the next time the saga stores them.
 */
public final class StateSerde {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .changeDefaultVisibility(v -> v.withVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                    .withVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                    .withVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static final Serde<Job> JOB = of(Job.class);
    public static final Serde<VmJob> VM = of(VmJob.class);

    /** A job header as stored: written as Avro, read from Avro or the previous version's JSON. */
    static final Serde<StoredJob> STORED_JOB = readingLegacy(AvroSerde.of(StoredJob.class), LegacyStateJson::job);
    /** A VM's part of a job as stored, likewise. */
    static final Serde<StoredVmJob> STORED_VM = readingLegacy(AvroSerde.of(StoredVmJob.class), LegacyStateJson::vm);

    private StateSerde() {
    }

    private static <A extends SpecificRecord> Serde<A> readingLegacy(AvroSerde<A> avro, BiFunction<String, byte[], A> legacy) {
        // Avro's single-object encoding starts with C3 01 and that JSON with '{', so the first byte tells them apart.
        Deserializer<A> de = (topic, bytes) -> bytes != null && LegacyStateJson.isLegacy(bytes)
                ? legacy.apply(topic, bytes) : avro.deserialize(topic, bytes);
        return Serdes.serdeFrom(avro, de);
    }

    private static <T> Serde<T> of(Class<T> type) {
        Serializer<T> ser = (topic, value) -> {
            try {
                return value == null ? null : MAPPER.writeValueAsBytes(value);
            } catch (RuntimeException e) {
                throw new SerializationException("cannot store " + type.getSimpleName(), e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            try {
                return bytes == null ? null : MAPPER.readValue(bytes, type);
            } catch (RuntimeException e) {
                throw new SerializationException("cannot read stored " + type.getSimpleName(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
