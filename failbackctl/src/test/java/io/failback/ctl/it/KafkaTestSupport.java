package io.failback.ctl.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditRecord;
import io.failback.messages.StatusEvent;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import static org.awaitility.Awaitility.await;

/** Plays the orchestrator's side in the tests: publishes status events, reads what the command line sent. */
final class KafkaTestSupport {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;

    KafkaTestSupport(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Publishes status events keyed by job id, as the orchestrator does, and waits until the broker has them. */
    void publishStatus(StatusEvent... events) throws Exception {
        try (KafkaProducer<String, StatusEvent> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                Topics.STATUS.keySerde().serializer(), Topics.STATUS.valueSerde().serializer())) {
            for (StatusEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.STATUS.name(), e.getJobId(), e)).get();
            }
        }
    }

    /** Publishes audit records keyed by job id, as the orchestrator does, and waits until the broker has them. */
    void publishAudit(AuditRecord... records) throws Exception {
        try (KafkaProducer<String, AuditRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                Topics.AUDIT.keySerde().serializer(), Topics.AUDIT.valueSerde().serializer())) {
            for (AuditRecord a : records) {
                producer.send(new ProducerRecord<>(Topics.AUDIT.name(), a.getJobId(), a)).get();
            }
        }
    }

    /** The first record of the topic with this key, awaited up to the timeout. */
    <V> ConsumerRecord<String, V> find(Topic<String, V> topic, String key, Duration timeout) {
        return first(topic, key, 1, timeout).get(0);
    }

    /** The first {@code count} records of the topic with this key, awaited up to the timeout. */
    <V> List<ConsumerRecord<String, V>> first(Topic<String, V> topic, String key, int count, Duration timeout) {
        try (Reader<V> reader = new Reader<>(topic, key)) {
            await("%d records keyed %s on %s".formatted(count, key, topic.name())).atMost(timeout).pollInSameThread()
                    .pollInterval(POLL).until(() -> reader.poll().size() >= count);
            return reader.found.subList(0, count);
        }
    }

    /** Waits the whole of {@code wait}, failing if any record with this key is on the topic. */
    <V> void assertNoneFor(Topic<String, V> topic, String key, Duration wait) {
        try (Reader<V> reader = new Reader<>(topic, key)) {
            await("no record keyed %s on %s".formatted(key, topic.name())).during(wait).atMost(wait.plus(Duration.ofSeconds(30)))
                    .pollInSameThread().pollInterval(POLL).until(() -> reader.poll().isEmpty());
        }
    }

    /** A consumer of one topic from its beginning, keeping the records with one key. */
    private final class Reader<V> implements AutoCloseable {
        private final KafkaConsumer<String, V> consumer;
        private final String key;
        private final List<ConsumerRecord<String, V>> found = new ArrayList<>();

        Reader(Topic<String, V> topic, String key) {
            this.key = key;
            this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap), topic.keySerde().deserializer(),
                    topic.valueSerde().deserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Every record with the key read so far, after one more poll. */
        List<ConsumerRecord<String, V>> poll() {
            for (ConsumerRecord<String, V> r : consumer.poll(POLL)) {
                if (key.equals(r.key())) {
                    found.add(r);
                }
            }
            return found;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
