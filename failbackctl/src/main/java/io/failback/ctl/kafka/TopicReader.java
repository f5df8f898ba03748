package io.failback.ctl.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.failback.schemas.Topic;
import io.failback.schemas.UnreadableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a history topic (status, audit) from the beginning of the given partitions, without a consumer group
 * (nothing is committed), and knows when it has caught up with what the topic held when it opened.
 * Records it can't read are skipped and counted: a history read must not stop at one bad record.
 */
public class TopicReader<V> implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> endAtOpen;
    private final Duration timeout;
    private final Topic<String, V> topic;
    private final Deserializer<V> values;
    private int unreadable;

    TopicReader(ClientSettings settings, Topic<String, V> topic, List<TopicPartition> partitions) {
        this.topic = topic;
        this.values = topic.valueSerde().deserializer();
        Properties overrides = new Properties();
        overrides.put("isolation.level", "read_committed");
        overrides.put("enable.auto.commit", "false");
        overrides.put("auto.offset.reset", "earliest");
        this.timeout = settings.timeout();
        this.consumer = new KafkaConsumer<>(settings.with(overrides), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.endAtOpen = consumer.endOffsets(partitions, timeout);
    }

    /** The next records, waiting at most {@code wait} for some. */
    public List<V> poll(Duration wait) {
        List<V> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                V e = values.deserialize(r.topic(), r.value());
                if (e != null) {
                    events.add(e);
                }
            } catch (UnreadableRecordException e) {
                unreadable++;
            }
        }
        return events;
    }

    /** Whether every event that was on the partitions when this reader opened has been returned. */
    public boolean caughtUp() {
        for (Map.Entry<TopicPartition, Long> end : endAtOpen.entrySet()) {
            if (consumer.position(end.getKey(), timeout) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Everything the partitions held when this reader opened (and whatever came meanwhile). */
    public List<V> readToEnd() {
        List<V> events = new ArrayList<>();
        while (!caughtUp()) {
            events.addAll(poll(Duration.ofMillis(200)));
        }
        return events;
    }

    /** The topic read. */
    public Topic<String, V> topic() {
        return topic;
    }

    /** How many records could not be read as the topic's values. */
    public int unreadable() {
        return unreadable;
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(1)));
    }
}
