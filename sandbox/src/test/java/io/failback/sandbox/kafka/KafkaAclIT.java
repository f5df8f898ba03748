package io.failback.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.failback.schemas.Acls;
import io.failback.schemas.Acls.Principal;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured broker process enforces the {@link Acls} catalog: each principal is refused what it was not granted
 * (the broker's own TopicAuthorizationException), and a client without a certificate of the sandbox's authority
 * does not get past the TLS handshake.
 */
class KafkaAclIT {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path otherAuthorityDir;

    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.on(dataDir, 0).start(Duration.ofMinutes(2));
        CatalogTopics.create(broker.adminProperties(), (short) 1);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldRefuseARequestPublishedWithAnAgentsCertificate() {
        for (Principal agent : List.of(Principal.VCENTER_AGENT, Principal.AZURE_AGENT)) {
            assertThatThrownBy(() -> publish(agent, Topics.REQUESTS))
                    .as("%s publishing a failback request", agent)
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class)
                    .hasStackTraceContaining(Topics.REQUESTS.name());
        }
    }

    @Test
    void shouldRefuseVcenterAndAzureCommandsPublishedWithTheOperatorsCertificate() {
        for (Topic<?, ?> commands : List.of(Topics.VCENTER_COMMANDS, Topics.AZURE_COMMANDS)) {
            assertThatThrownBy(() -> publish(Principal.OPERATOR, commands))
                    .as("the operator publishing on %s", commands.name())
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class)
                    .hasStackTraceContaining(commands.name());
        }
    }

    @Test
    void shouldRefuseEveryWriteOfTheAuditor() {
        for (Topic<?, ?> topic : Topics.ALL) {
            assertThatThrownBy(() -> publish(Principal.AUDITOR, topic))
                    .as("the auditor publishing on %s", topic.name())
                    // on a topic it may read, its producer is refused its id (it may write nowhere): the cluster's denial
                    .hasRootCauseInstanceOf(AuthorizationException.class);
        }
    }

    @Test
    void shouldLetTheOperatorPublishARequestAndTheAuditorReadTheAuditTrail() throws Exception {
        RecordMetadata written = publish(Principal.OPERATOR, Topics.REQUESTS);
        assertThat(written.topic()).isEqualTo(Topics.REQUESTS.name());

        Map<String, Object> props = new HashMap<>(broker.clientProperties(Principal.AUDITOR));
        try (KafkaConsumer<byte[], byte[]> auditor = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition audit = new TopicPartition(Topics.AUDIT.name(), 0);
            assertThat(auditor.endOffsets(List.of(audit), Duration.ofSeconds(30))).containsKey(audit);
            TopicPartition requests = new TopicPartition(Topics.REQUESTS.name(), 0);
            assertThatThrownBy(() -> auditor.endOffsets(List.of(requests), Duration.ofSeconds(30)))
                    .as("the auditor reading requests").isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAClientWithoutACertificate() {
        Map<String, Object> props = new HashMap<>(broker.clientProperties(Principal.OPERATOR));
        props.remove("ssl.keystore.location");
        props.remove("ssl.keystore.password");
        props.remove("ssl.key.password");
        props.remove("ssl.keystore.type");
        assertThatThrownBy(() -> listTopics(props)).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void shouldRefuseAPlaintextClient() {
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        assertThatThrownBy(() -> listTopics(props)).as("a plaintext client on the TLS listener")
                .isInstanceOf(ExecutionException.class);
    }

    @Test
    void shouldRefuseACertificateOfAnotherAuthority() {
        KafkaSecurity other = KafkaSecurity.issue(otherAuthorityDir);
        Map<String, Object> props = new HashMap<>(broker.clientProperties(Principal.OPERATOR));
        Map<String, Object> foreign = other.clientProperties(Principal.OPERATOR);
        for (String key : List.of("ssl.keystore.location", "ssl.keystore.password", "ssl.key.password")) {
            props.put(key, foreign.get(key));
        }
        assertThatThrownBy(() -> listTopics(props)).hasCauseInstanceOf(SslAuthenticationException.class);
    }

    private static RecordMetadata publish(Principal principal, Topic<?, ?> topic) throws Exception {
        Map<String, Object> props = new HashMap<>(broker.clientProperties(principal));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic.name(), "k".getBytes(), "v".getBytes())).get(60, TimeUnit.SECONDS);
        }
    }

    private static void listTopics(Map<String, Object> client) throws Exception {
        Map<String, Object> props = new HashMap<>(client);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
