package io.failback.orchestrator.streams;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.VmJob;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON serdes for the saga's own state in the changelogged stores. The state classes stay free of
 * any serialization annotation; fields are read directly, and unknown fields are tolerated so a
 * newer orchestrator can read what an older one stored.
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

    private StateSerde() {
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
