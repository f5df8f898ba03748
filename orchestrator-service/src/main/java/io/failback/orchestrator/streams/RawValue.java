package io.failback.orchestrator.streams;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A request or control command as decoded, with the bytes it was decoded from: a signature covers the bytes
 * exactly as the operator wrote them, which re-encoding the decoded value would not give back under another
 * writer schema. The deserializer only wraps the catalog's, so an unreadable record fails (and is dead-lettered)
 * exactly as it did before.
 */
record RawValue(Object value, byte[] bytes) {

    /** Wraps {@code decoder}: its value and the bytes it read; null (a tombstone) stays null. */
    static Deserializer<Object> keeping(Deserializer<?> decoder) {
        return new Deserializer<>() {
            @Override
            public Object deserialize(String topic, byte[] data) {
                Object value = decoder.deserialize(topic, data);
                return value == null ? null : new RawValue(value, data);
            }

            @Override
            public Object deserialize(String topic, Headers headers, byte[] data) {
                Object value = decoder.deserialize(topic, headers, data);
                return value == null ? null : new RawValue(value, data);
            }
        };
    }
}
