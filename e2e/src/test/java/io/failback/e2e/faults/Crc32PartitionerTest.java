package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The test's CRC32 partitioner is librdkafka's: the standard CRC-32 of the key bytes, unsigned, modulo the partitions. */
class Crc32PartitionerTest {

    @Test
    void shouldPartitionByTheStandardCrc32OfTheKey() {
        // given the CRC-32 check value: crc32("123456789") = 0xCBF43926 = 3421780262
        byte[] key = "123456789".getBytes(StandardCharsets.UTF_8);

        // when / then: 3421780262 mod 6 = 2, mod 7 = 3421780262 - 488825751 * 7 = 5
        assertThat(Crc32Partitioner.partitionOf(key, 6)).isEqualTo(2);
        assertThat(Crc32Partitioner.partitionOf(key, 7)).isEqualTo(5);
        assertThat(Crc32Partitioner.partitionOf(new byte[0], 6)).isZero();
    }
}
