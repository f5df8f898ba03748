package io.failback.schemas;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter record for a record a service could not read or process: the original key
 * and value byte for byte, and where it came from and what was wrong in {@link DeadLetterHeaders}.
 */
public final class DeadLetters {

    /**
     * Characters of the error message kept in its header. A message may quote the record (Avro's, or a
     * service's own), so it is cut and escaped: a dead letter is never much bigger than the record it keeps,
     * and a tool that prints the header prints one harmless line.
     */
    public static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> of(Topic<byte[], byte[]> deadLetterTopic, String service, String sourceTopic,
                                                    int partition, long offset, byte[] key, byte[] value, Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, bytes(sourceTopic));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, bytes(Integer.toString(partition)));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, bytes(Long.toString(offset)));
        headers.add(DeadLetterHeaders.PROBLEM, bytes(problemOf(error)));
        headers.add(DeadLetterHeaders.MESSAGE, bytes(LogSafe.of(error.getMessage(), MAX_MESSAGE_CHARS)));
        headers.add(DeadLetterHeaders.SERVICE, bytes(service));
        return new ProducerRecord<>(deadLetterTopic.name(), null, key, value, headers);
    }

    /** The {@link UnreadableRecordException.Problem} anywhere in the cause chain, else the error's class name. */
    public static String problemOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof UnreadableRecordException u) {
                return u.problem().name();
            }
        }
        return error.getClass().getSimpleName();
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
