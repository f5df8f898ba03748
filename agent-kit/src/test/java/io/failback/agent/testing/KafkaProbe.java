package io.failback.agent.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.awaitility.Awaitility.await;

/**
 * The tests' own clients of the broker: a reader of everything committed on a topic, a transactional
 * writer that can abort on purpose, the consumer group's committed offsets, and a topic's record size
 * limit, lowered to make the broker refuse what the agent writes there.
 */
public final class KafkaProbe implements AutoCloseable {

    /**
     * A record size limit that refuses every result and dead letter (a batch of one is well over 128 bytes)
     * but not the broker's own transaction markers (about 80): a limit below those wedges the transaction
     * coordinator, which can then never abort the refused transaction.
     */
    public static final int REFUSES_RECORDS_NOT_MARKERS = 128;

    private final String bootstrap;
    private final Admin admin;

    public KafkaProbe(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Every committed record of the topic, from its start to its last stable offset now. */
    public List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            await("reading " + topic + " up to " + end).atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
            return records;
        }
    }

    /** Writes the records in one transaction, committed or aborted; returns where each went. */
    public List<RecordMetadata> inTransaction(boolean commit, List<ProducerRecord<String, byte[]>> records) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            List<RecordMetadata> written = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                written.add(producer.send(record).get(30, TimeUnit.SECONDS));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
            return written;
        }
    }

    /** The group's committed offset of one partition; 0 when none. */
    public long committedOffset(String group, TopicPartition partition) throws Exception {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(partition);
        return committed == null ? 0 : committed.offset();
    }

    /** How many consumers the group has once it is stable: one per consumer thread of each instance. */
    public int consumersOf(String group) {
        return await("group " + group + " stable").atMost(Duration.ofSeconds(60)).until(() -> {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(30, TimeUnit.SECONDS);
            return description.groupState() == GroupState.STABLE ? description.members().size() : 0;
        }, n -> n > 0);
    }

    /** Makes the broker refuse any record on the topic larger than {@code bytes}. */
    public void limitRecordSize(String topic, int bytes) throws Exception {
        alter(topic, new AlterConfigOp(new ConfigEntry("max.message.bytes", Integer.toString(bytes)), AlterConfigOp.OpType.SET));
    }

    /** Back to the catalog's record size limit for the topic. */
    public void restoreRecordSize(String topic) throws Exception {
        int catalog = io.failback.schemas.Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow().maxMessageBytes();
        alter(topic, new AlterConfigOp(new ConfigEntry("max.message.bytes", Integer.toString(catalog)), AlterConfigOp.OpType.SET));
    }

    private void alter(String topic, AlterConfigOp op) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(op)))
                .all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        admin.close();
    }
}
