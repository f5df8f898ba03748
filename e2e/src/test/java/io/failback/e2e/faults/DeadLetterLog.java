package io.failback.e2e.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The dead-letter topics of every service, read as an operator's tool would: each record's origin (source
 * topic, partition, offset) and problem from {@link DeadLetterHeaders}.
 */
public final class DeadLetterLog {

    /** Every dead-letter topic of the catalog. */
    public static final List<String> TOPICS = List.of(Topics.ORCHESTRATOR_DLT.name(), Topics.VCENTER_COMMANDS_DLT.name(),
            Topics.AZURE_COMMANDS_DLT.name(), Topics.REPLICATION_COMMANDS_DLT.name());

    /** One dead letter: where it sits, where it came from, why. */
    public record DeadLetter(String topic, long offset, String sourceTopic, int sourcePartition, long sourceOffset, String problem,
                             String service) {

        /** The source record's coordinates, the key to match an input by. */
        public String source() {
            return sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
        }
    }

    private DeadLetterLog() {
    }

    public static Map<TopicPartition, Long> marks(Map<String, Object> kafka) {
        return TopicRead.endOffsets(kafka, TOPICS);
    }

    /** The dead letters committed after the marks. */
    public static List<DeadLetter> since(Map<String, Object> kafka, Map<TopicPartition, Long> marks) {
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicRead.since(kafka, TOPICS, marks, IsolationLevel.READ_COMMITTED)) {
            out.add(new DeadLetter(r.topic(), r.offset(), header(r, DeadLetterHeaders.SOURCE_TOPIC),
                    parseInt(header(r, DeadLetterHeaders.SOURCE_PARTITION)), parseLong(header(r, DeadLetterHeaders.SOURCE_OFFSET)),
                    header(r, DeadLetterHeaders.PROBLEM), header(r, DeadLetterHeaders.SERVICE)));
        }
        return out;
    }

    public static String source(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int parseInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
