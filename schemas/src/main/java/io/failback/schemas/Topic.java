package io.failback.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the catalog: its name, how its keys and values are written, how many partitions it
 * gets, whether it is compacted, and how large a record batch it takes. Services and tests take all of
 * these from {@link Topics}.
 *
 * @param maxMessageBytes the topic's {@code max.message.bytes}
 * @param compression the topic's {@code compression.type}: {@code uncompressed} makes the broker store
 *                    what a producer compressed uncompressed, and so check {@code max.message.bytes}
 *                    against the records' real size (a compressed batch can't smuggle a huge record)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, CleanupPolicy cleanupPolicy,
                          int maxMessageBytes, String compression, String role) {

    /** The topic-level configs to create it with. */
    public java.util.Map<String, String> configs() {
        return java.util.Map.of("cleanup.policy", cleanupPolicy.configValue(),
                "max.message.bytes", Integer.toString(maxMessageBytes),
                "compression.type", compression);
    }

    public enum CleanupPolicy {
        DELETE, COMPACT;

        /** The value of the topic config {@code cleanup.policy}. */
        public String configValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
