package io.failback.e2e.faults;

/**
 * One generated record for a topic a service reads: key and value bytes as a client in any language
 * could write them (either may be null), an explicit partition or null for the producer's own choice,
 * what kind of input it was meant to be (valid, mutated, hostile) and how it was made, for the report.
 */
public record FuzzInput(String topic, byte[] key, byte[] value, Integer partition, String kind, String description) {
}
