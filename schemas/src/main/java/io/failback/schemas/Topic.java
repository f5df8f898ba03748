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
 * @param retention the topic's {@code retention.ms} when the catalog sets it, else {@code null} (the broker's default)
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, CleanupPolicy cleanupPolicy,
                          int maxMessageBytes, String compression, String role, java.time.Duration retention) {

    public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, CleanupPolicy cleanupPolicy,
                 int maxMessageBytes, String compression, String role) {
        this(name, keySerde, valueSerde, partitions, cleanupPolicy, maxMessageBytes, compression, role, null);
    }

    /** The same topic, kept for {@code retention} instead of the broker's default. */
    public Topic<K, V> withRetention(java.time.Duration retention) {
        return new Topic<>(name, keySerde, valueSerde, partitions, cleanupPolicy, maxMessageBytes, compression, role, retention);
    }

    /** The topic-level configs to create it with. */
    public java.util.Map<String, String> configs() {
        java.util.Map<String, String> configs = new java.util.LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy.configValue());
        configs.put("max.message.bytes", Integer.toString(maxMessageBytes));
        configs.put("compression.type", compression);
        if (retention != null) {
            configs.put("retention.ms", Long.toString(retention.toMillis()));
        }
        return java.util.Map.copyOf(configs);
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
