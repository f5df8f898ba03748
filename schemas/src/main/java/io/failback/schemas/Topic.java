package io.failback.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the catalog: its name, how its keys and values are written, how many partitions it
 * gets and whether it is compacted. Services and tests take all of these from {@link Topics}.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, CleanupPolicy cleanupPolicy,
                          String role) {

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
