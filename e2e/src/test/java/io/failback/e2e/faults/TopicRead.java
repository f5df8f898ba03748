package io.failback.e2e.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics once, as bytes, from given offsets (or the beginning) up to their end at the time of the
 * call: with {@code read_committed} that end is the last stable offset, so only what committed
 * transactions wrote is seen, as an agent that reads committed data would see it.
 */
public final class TopicRead {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private TopicRead() {
    }

    /** The end offsets of every partition of the topics now: marks to read from later. */
    public static Map<TopicPartition, Long> endOffsets(Map<String, Object> kafka, List<String> topics) {
        // the log end, not the last stable offset: a mark past every record written so far, committed or not
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, IsolationLevel.READ_UNCOMMITTED)) {
            return consumer.endOffsets(partitions(consumer, topics));
        }
    }

    /** Every record of the topics from the beginning. */
    public static List<ConsumerRecord<byte[], byte[]>> all(Map<String, Object> kafka, List<String> topics, IsolationLevel isolation) {
        return since(kafka, topics, Map.of(), isolation);
    }

    /** Every record of the topics at or after the marks (partitions without a mark: from the beginning). */
    public static List<ConsumerRecord<byte[], byte[]>> since(Map<String, Object> kafka, List<String> topics, Map<TopicPartition, Long> marks,
                                                             IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(begin.get(tp), marks.getOrDefault(tp, 0L)));
            }
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await("reading " + topics + " to " + end).atMost(READ_TIMEOUT).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (end.containsKey(tp) && r.offset() < end.get(tp)) {
                        out.add(r);
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                return end.isEmpty();
            });
            return out;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("no topic " + topic);
            }
            infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
        }
        return out;
    }

    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafka, IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.putAll(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 * 1024 * 1024),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        return new KafkaConsumer<>(config);
    }
}
