package io.failback.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone broker process, secured (mutual TLS, the admin principal): every catalog topic carries a record, and the records survive kill -9. */
class KafkaBrokerProcessIT {

    @TempDir
    static Path dataDir;

    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.on(dataDir, 0).start(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyCatalogTopicKeepsItsRecordAcrossAKillAndARestart() throws Exception {
        assertThat(CatalogTopics.create(broker.adminProperties(), (short) 1))
                .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(Topic::name).collect(Collectors.toList()));
        assertThat(CatalogTopics.create(broker.adminProperties(), (short) 1)).as("a second run creates nothing").isEmpty();

        try (KafkaProducer<String, String> producer = producer()) {
            for (Topic<?, ?> topic : Topics.ALL) {
                producer.send(new ProducerRecord<>(topic.name(), "key-" + topic.name(), "value-" + topic.name())).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(readAll()).as("read back before the kill").isEqualTo(expected());

        long oldPid = broker.pid();
        broker.kill();
        assertThat(broker.isAlive()).isFalse();
        assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        broker.start(Duration.ofMinutes(2));
        assertThat(broker.pid()).isNotEqualTo(oldPid);
        assertThat(readAll()).as("read back after kill -9 and a restart on the same data directory").isEqualTo(expected());
        assertThat(Files.exists(dataDir.resolve("logs").resolve("meta.properties"))).isTrue();
    }

    @Test
    void topicsHaveTheCatalogsPartitionsAndCleanupPolicies() throws Exception {
        CatalogTopics.create(broker.adminProperties(), (short) 1);
        try (Admin admin = admin()) {
            var names = Topics.ALL.stream().map(Topic::name).collect(Collectors.toList());
            var descriptions = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            var resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toList());
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (Topic<?, ?> topic : Topics.ALL) {
                assertThat(descriptions.get(topic.name()).partitions()).as(topic.name()).hasSize(topic.partitions());
                String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                assertThat(policy).as(topic.name()).isEqualTo(topic.cleanupPolicy().configValue());
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()).as(topic.name())
                        .isEqualTo(Integer.toString(topic.maxMessageBytes()));
                assertThat(config.get(TopicConfig.COMPRESSION_TYPE_CONFIG).value()).as(topic.name()).isEqualTo(topic.compression());
            }
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.INVENTORY.name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void aCompressedRecordIsHeldToTheTopicsLimitAtItsRealSize() throws Exception {
        CatalogTopics.create(broker.adminProperties(), (short) 1);
        Properties props = producerProps();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        String bomb = "0".repeat(8 << 20); // 8 MiB that gzip makes a few KB: a decompression bomb for the reader
        String fits = "0".repeat(Topics.MAX_RECORD_BYTES - 64);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), "bomb", bomb)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
            assertThat(producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), "fits", fits)).get(30, TimeUnit.SECONDS).offset())
                    .isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aTopicOutsideTheCatalogIsNeverCreatedByUse() throws Exception {
        Properties props = producerProps();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("failback.not-in-catalog", "k", "v")).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("not-in-catalog");
        }
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("failback.not-in-catalog");
        }
    }

    private Map<String, List<String>> expected() {
        Map<String, List<String>> expected = new HashMap<>();
        for (Topic<?, ?> topic : Topics.ALL) {
            expected.put(topic.name(), List.of("key-" + topic.name() + "=value-" + topic.name()));
        }
        return expected;
    }

    /** Every record of every catalog topic, read from the beginning. */
    private Map<String, List<String>> readAll() {
        Properties props = new Properties();
        props.putAll(broker.adminProperties());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<String>> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = Topics.ALL.stream()
                    .flatMap(t -> consumer.partitionsFor(t.name(), Duration.ofSeconds(30)).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            // the consumer stays on this thread
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.computeIfAbsent(r.topic(), t -> new java.util.ArrayList<>()).add(r.key() + "=" + r.value());
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return seen;
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(producerProps());
    }

    private Properties producerProps() {
        Properties props = new Properties();
        props.putAll(broker.adminProperties());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private Admin admin() {
        Properties props = new Properties();
        props.putAll(broker.adminProperties());
        return Admin.create(props);
    }

}
