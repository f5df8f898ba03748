package io.failback.ctl.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import io.failback.messages.StatusEvent;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Plays the orchestrator's side in the tests: publishes status events, reads what the command line sent. */
final class KafkaTestSupport {

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

    /** The first record of the topic with this key, waiting up to the timeout for it. */
    <V> Optional<ConsumerRecord<String, V>> find(Topic<String, V> topic, String key, Duration timeout) {
        List<ConsumerRecord<String, V>> found = read(topic, r -> key.equals(r.key()), timeout, 1);
        return found.stream().findFirst();
    }

    /** The first {@code count} records of the topic with this key, or fewer when the timeout passes first. */
    <V> List<ConsumerRecord<String, V>> first(Topic<String, V> topic, String key, int count, Duration timeout) {
        return read(topic, r -> key.equals(r.key()), timeout, count);
    }

    /** Every record of the topic with this key that arrives within the wait. */
    <V> List<ConsumerRecord<String, V>> all(Topic<String, V> topic, String key, Duration wait) {
        return read(topic, r -> key.equals(r.key()), wait, Integer.MAX_VALUE);
    }

    private <V> List<ConsumerRecord<String, V>> read(Topic<String, V> topic, Predicate<ConsumerRecord<String, V>> wanted,
                                                     Duration timeout, int enough) {
        List<ConsumerRecord<String, V>> found = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && found.size() < enough) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }
}
