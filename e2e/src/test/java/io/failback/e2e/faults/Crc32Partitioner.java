package io.failback.e2e.faults;

import java.util.Map;
import java.util.zip.CRC32;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * librdkafka's default partitioner for keyed records ("consistent_random": {@code crc32(key) % partitions}),
 * the one clients in C, C++, Python, Go and .NET get unless they choose otherwise; the Java client hashes
 * with murmur2 instead, so the two send most keys to different partitions.
 */
public final class Crc32Partitioner implements Partitioner {

    public static int partitionOf(byte[] key, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(key);
        return (int) (crc.getValue() % partitions);
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (keyBytes == null) {
            throw new IllegalArgumentException("this test's records all have keys");
        }
        return partitionOf(keyBytes, cluster.partitionCountForTopic(topic));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing held
    }
}
