package io.failback.vcenter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.failback.messages.PowerState;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.sandbox.kafka.InJvmKafka;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole agent as it runs: Spring Boot, a real KRaft broker with the catalog's topics, the
 * simulator over verified TLS. Commands go in on the command topic as the orchestrator writes them;
 * results come back on the events topic keyed by job id; unreadable records go to the dead-letter topic.
 */
@SpringBootTest
class CommandTopicIT {

    static EmbeddedKafkaKraftBroker broker;
    static Vcsim vcsim;
    static Path dir;

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> results;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) throws Exception {
        broker = InJvmKafka.start();
        vcsim = Vcsim.builder().seedJson("""
                {"masterTargets": [{"name": "mt01", "powerState": "poweredOn", "disks": ["[LocalDS_0] mt01/web01_1.vmdk"]}],
                 "vms": [{"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn"}]}
                """).start();
        dir = Files.createTempDirectory("vcenter-agent-it");
        Path store = vcsim.writeTrustStore(dir.resolve("truststore.p12"), "changeit".toCharArray());
        registry.add("spring.kafka.bootstrap-servers", broker::getBrokersAsString);
        registry.add("failback.vcenter.vcenters[0].name", () -> "vc01");
        registry.add("failback.vcenter.vcenters[0].url", () -> vcsim.url().toString());
        registry.add("failback.vcenter.vcenters[0].username", vcsim::username);
        registry.add("failback.vcenter.vcenters[0].password", vcsim::password);
        registry.add("failback.vcenter.vcenters[0].truststore-path", store::toString);
        registry.add("failback.vcenter.vcenters[0].truststore-password", () -> "changeit");
        registry.add("failback.vcenter.vcenters[0].operation-timeout", () -> "20s");
    }

    @AfterAll
    static void stop() {
        if (vcsim != null) {
            vcsim.close();
        }
        if (broker != null) {
            broker.destroy();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(dir.toFile());
    }

    @BeforeEach
    void clients() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        producer = new KafkaProducer<>(p, Topics.VCENTER_COMMANDS.keySerde().serializer(), new ByteArraySerializer());
        results = consumer(Topics.VCENTER_EVENTS.name());
    }

    @AfterEach
    void closeClients() {
        producer.close();
        results.close();
    }

    private static KafkaConsumer<String, byte[]> consumer(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private void send(VcenterCommand command) throws Exception {
        producer.send(new ProducerRecord<>(Topics.VCENTER_COMMANDS.name(), command.getVmId(),
                Topics.VCENTER_COMMANDS.valueSerde().serializer().serialize(Topics.VCENTER_COMMANDS.name(), command))).get();
    }

    /** The results of these commands, by command id, each checked to be keyed by its job id. */
    private Map<String, VcenterResult> resultsOf(VcenterCommand... commands) {
        Map<String, VcenterResult> found = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(200))) {
                VcenterResult result = Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                assertThat(r.key()).isEqualTo(result.getJobId());
                found.put(result.getCommandId(), result);
            }
            return List.of(commands).stream().allMatch(c -> found.containsKey(c.getCommandId()));
        });
        return found;
    }

    @Test
    void shouldAnswerEachCommandOnTheEventsTopicKeyedByItsJob() throws Exception {
        VcenterCommand check = Commands.checkConnection("vc01");
        VcenterCommand off = Commands.powerOff("vc01", "web01");
        VcenterCommand unknown = Commands.powerOff("vc-nowhere", "web01");

        send(check);
        send(off);
        send(unknown);
        Map<String, VcenterResult> answered = resultsOf(check, off, unknown);

        assertThat(answered.get(check.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        VcenterResult offResult = answered.get(off.getCommandId());
        assertThat(offResult.getCode()).as(offResult.getMessage()).isEqualTo(VcenterResultCode.OK);
        assertThat(offResult.getJobId()).isEqualTo(off.getJobId());
        assertThat(offResult.getVmId()).isEqualTo(off.getVmId());
        assertThat(((VmPowerState) offResult.getOutcome()).getPowerState()).isEqualTo(PowerState.POWERED_OFF);
        assertThat(answered.get(unknown.getCommandId()).getCode()).isEqualTo(VcenterResultCode.UNKNOWN_VCENTER);
        try (Inventory inventory = new Inventory(vcsim)) {
            assertThat(inventory.powerState("web01")).isEqualTo("poweredOff");
        }
    }

    @Test
    void shouldSendAnUnreadableCommandToTheDeadLetterTopicAndGoOn() throws Exception {
        byte[] garbage = "not an avro command".getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.VCENTER_COMMANDS.name(), "vm-web01", garbage)).get();
        VcenterCommand after = Commands.inspect("vc01", "mt01", List.of("[LocalDS_0] mt01/web01_1.vmdk"));
        send(after);

        assertThat(resultsOf(after).get(after.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        try (KafkaConsumer<String, byte[]> dlt = consumer(Topics.VCENTER_COMMANDS_DLT.name())) {
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                dlt.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> java.util.Arrays.equals(r.value(), garbage));
            });
            ConsumerRecord<String, byte[]> record = dead.stream().filter(r -> java.util.Arrays.equals(r.value(), garbage)).findFirst().orElseThrow();
            assertThat(record.key()).isEqualTo("vm-web01");
            assertThat(header(record, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.VCENTER_COMMANDS.name());
            assertThat(header(record, DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
            assertThat(header(record, DeadLetterHeaders.SERVICE)).isEqualTo("vcenter-agent");
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
