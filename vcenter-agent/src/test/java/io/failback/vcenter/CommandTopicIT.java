package io.failback.vcenter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.failback.agent.testing.KafkaProbe;
import io.failback.messages.PowerState;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.testsupport.InJvmKafka;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole agent as it runs: Spring Boot, a real KRaft broker with the catalog's topics, the
 * simulator over verified TLS. Commands go in on the command topic as the orchestrator writes them;
 * results come back on the events topic keyed by job id; unreadable records go to the dead-letter topic
 * once; commands of aborted transactions are never run; a command sent again is answered from memory;
 * a result the broker refuses is retried a bounded time, then given up on to the dead-letter topic.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class CommandTopicIT {

    private static final String GROUP = "vcenter-agent";
    private static final Duration GIVE_UP_AFTER = Duration.ofMillis(1500);

    static EmbeddedKafkaKraftBroker broker;
    static Vcsim vcsim;
    static Path dir;

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> results;
    private KafkaProbe probe;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) throws Exception {
        broker = InJvmKafka.start();
        vcsim = Vcsim.builder().trace().seedJson("""
                {"masterTargets": [{"name": "mt01", "powerState": "poweredOn", "disks": ["[LocalDS_0] mt01/web01_1.vmdk"]}],
                 "vms": [{"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn"},
                         {"name": "web02", "guestId": "windows8Server64Guest", "powerState": "poweredOn"},
                         {"name": "web03", "guestId": "windows8Server64Guest", "powerState": "poweredOn"},
                         {"name": "web04", "guestId": "windows8Server64Guest", "powerState": "poweredOn"},
                         {"name": "web05", "guestId": "windows8Server64Guest", "powerState": "poweredOn"}]}
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
        registry.add("failback.agent.retry.initial-delay", () -> "100ms");
        registry.add("failback.agent.retry.max-delay", () -> "400ms");
        registry.add("failback.agent.retry.give-up-after", GIVE_UP_AFTER::toString);
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
        probe = new KafkaProbe(broker.getBrokersAsString());
    }

    @AfterEach
    void closeClients() {
        producer.close();
        results.close();
        probe.close();
    }

    private static KafkaConsumer<String, byte[]> consumer(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private RecordMetadata send(VcenterCommand command) throws Exception {
        return send(command.getVmId(), encode(command));
    }

    private RecordMetadata send(String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.VCENTER_COMMANDS.name(), key, value)).get();
    }

    private static byte[] encode(VcenterCommand command) {
        return Topics.VCENTER_COMMANDS.valueSerde().serializer().serialize(Topics.VCENTER_COMMANDS.name(), command);
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

    /** The committed results of a command: read after its answer, to count answers. */
    private List<VcenterResult> committedResultsOf(VcenterCommand command) {
        return probe.readCommitted(Topics.VCENTER_EVENTS.name()).stream()
                .map(r -> Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .filter(r -> r.getCommandId().equals(command.getCommandId())).toList();
    }

    /** The committed dead letters of the record written at {@code source}. */
    private List<ConsumerRecord<String, byte[]>> deadLettersOf(RecordMetadata source) {
        return probe.readCommitted(Topics.VCENTER_COMMANDS_DLT.name()).stream()
                .filter(r -> header(r, DeadLetterHeaders.SOURCE_PARTITION).equals(Integer.toString(source.partition()))
                        && header(r, DeadLetterHeaders.SOURCE_OFFSET).equals(Long.toString(source.offset())))
                .toList();
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
    void shouldSendAnUnreadableCommandToTheDeadLetterTopicOnceAndGoOn() throws Exception {
        byte[] garbage = "not an avro command".getBytes(StandardCharsets.UTF_8);
        RecordMetadata written = send("vm-web01", garbage);
        VcenterCommand after = Commands.inspect("vc01", "mt01", List.of("[LocalDS_0] mt01/web01_1.vmdk"));
        send(after);

        assertThat(resultsOf(after).get(after.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        // The command after it on the same partition is answered, so the dead letter is committed by now.
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        ConsumerRecord<String, byte[]> record = dead.get(0);
        assertThat(record.value()).isEqualTo(garbage);
        assertThat(record.key()).isEqualTo("vm-web01");
        assertThat(header(record, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.VCENTER_COMMANDS.name());
        assertThat(header(record, DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
        assertThat(header(record, DeadLetterHeaders.SERVICE)).isEqualTo("vcenter-agent");
    }

    @Test
    void shouldDeadLetterOnceAndGoOnWhenARecordDeclaresAStringNoArrayCanHold(CapturedOutput output) throws Exception {
        // A command whose first string claims 2^31 - 8 bytes: more than any Java array holds (issue 10's hang).
        byte[] hostile = withFirstStringLength(Integer.MAX_VALUE - 7L);
        RecordMetadata written = send("vm-web01\nFORGED", hostile);
        VcenterCommand after = Commands.checkConnection("vc01");
        send(VcenterCommand.newBuilder(after).setVmId("vm-web01\nFORGED").build());

        assertThat(resultsOf(after).get(after.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(hostile);
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isNotBlank();
        String at = Topics.VCENTER_COMMANDS.name() + "-" + written.partition() + "@" + written.offset() + ":";
        assertThat(output.getAll().lines().filter(l -> l.contains(at))).singleElement().satisfies(line ->
                assertThat(line).contains("ERROR").contains("unreadable command"));
        assertThat(output.getAll()).doesNotContain("Record in retry").doesNotContainPattern("(?m)^FORGED");
    }

    @Test
    void shouldRunOnlyCommandsOfCommittedTransactions() throws Exception {
        String key = "vm-web02";
        VcenterCommand aborted = VcenterCommand.newBuilder(Commands.powerOff("vc01", "web02")).setVmId(key).build();
        VcenterCommand committed = VcenterCommand.newBuilder(Commands.powerOff("vc01", "web03")).setVmId(key)
                .setJobId(aborted.getJobId()).build();

        probe.inTransaction(false, List.of(new ProducerRecord<>(Topics.VCENTER_COMMANDS.name(), key, encode(aborted))));
        probe.inTransaction(true, List.of(new ProducerRecord<>(Topics.VCENTER_COMMANDS.name(), key, encode(committed))));

        Map<String, VcenterResult> answered = resultsOf(committed);
        assertThat(answered.get(committed.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        // Same partition in, same job (so same partition) out: an answer to the aborted one would have come first.
        assertThat(answered).doesNotContainKey(aborted.getCommandId());
        try (Inventory inventory = new Inventory(vcsim)) {
            assertThat(inventory.powerState("web03")).isEqualTo("poweredOff");
            assertThat(inventory.powerState("web02")).isEqualTo("poweredOn");
        }
    }

    @Test
    void shouldAnswerACommandSentAgainFromMemoryWithoutCallingVcenter() throws Exception {
        VcenterCommand off = Commands.powerOff("vc01", "web04");
        send(off);
        VcenterResult first = resultsOf(off).get(off.getCommandId());
        assertThat(first.getCode()).as(first.getMessage()).isEqualTo(VcenterResultCode.OK);
        int reads = vcsim.calls("RetrieveProperties");
        int powerOffs = vcsim.calls("PowerOffVM_Task");
        assertThat(reads).isPositive();
        assertThat(powerOffs).isPositive();

        // The orchestrator re-sends on a timeout with the same id (and a new send time).
        VcenterCommand again = VcenterCommand.newBuilder(off).setIssuedAt(off.getIssuedAt().plusSeconds(120)).build();
        RecordMetadata resent = send(again);
        VcenterCommand marker = Commands.checkConnection("vc01");
        send(VcenterCommand.newBuilder(marker).setVmId(off.getVmId()).build());
        resultsOf(marker);

        assertThat(committedResultsOf(off)).hasSize(2).allSatisfy(r -> assertThat(r).isEqualTo(first));
        assertThat(vcsim.calls("PowerOffVM_Task")).isEqualTo(powerOffs);
        assertThat(vcsim.calls("RetrieveProperties")).as("no read of vCenter for the re-sent command").isEqualTo(reads);
        assertThat(probe.committedOffset(GROUP, new TopicPartition(resent.topic(), resent.partition()))).isGreaterThan(resent.offset());
    }

    @Test
    void shouldGiveUpOnACommandWhoseResultTheBrokerRefusesAfterABoundedRetryAndGoOn(CapturedOutput output) throws Exception {
        VcenterCommand refused = Commands.powerOff("vc01", "web05");
        RecordMetadata written;
        long started = System.nanoTime();
        probe.limitRecordSize(Topics.VCENTER_EVENTS.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        try {
            written = send(refused);
            await().atMost(Duration.ofSeconds(60)).until(() -> !deadLettersOf(written).isEmpty());
        } finally {
            probe.restoreRecordSize(Topics.VCENTER_EVENTS.name());
        }
        Duration tookToGiveUp = Duration.ofNanos(System.nanoTime() - started);
        VcenterCommand next = VcenterCommand.newBuilder(Commands.checkConnection("vc01")).setVmId(refused.getVmId()).build();
        send(next);

        assertThat(resultsOf(next).get(next.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(encode(refused));
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isEqualTo("RecordTooLargeException");
        assertThat(tookToGiveUp).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
        assertThat(committedResultsOf(refused)).isEmpty();
        String at = Topics.VCENTER_COMMANDS.name() + "-" + written.partition() + "@" + written.offset() + ":";
        assertThat(output.getAll().lines().filter(l -> l.contains("gave up on command at " + at))).singleElement()
                .satisfies(line -> assertThat(line).contains("ERROR").contains("RecordTooLargeException"));
        try (Inventory inventory = new Inventory(vcsim)) {
            assertThat(inventory.powerState("web05")).isEqualTo("poweredOff");
        }
    }

    @Test
    void shouldLeaveACommandUncommittedWhileNeitherItsResultNorItsDeadLetterCanBeWritten(CapturedOutput output) throws Exception {
        VcenterCommand stuck = Commands.checkConnection("vc01");
        RecordMetadata written;
        TopicPartition partition;
        probe.limitRecordSize(Topics.VCENTER_EVENTS.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        probe.limitRecordSize(Topics.VCENTER_COMMANDS_DLT.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        try {
            written = send(stuck);
            partition = new TopicPartition(written.topic(), written.partition());
            String giveUp = "gave up on command at " + Topics.VCENTER_COMMANDS.name() + "-" + written.partition() + "@" + written.offset() + ":";
            // Two give-ups: the first dead letter failed, so nothing was committed and the record was read again,
            // with the whole bounded back-off between them (no tight loop).
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines().filter(l -> l.contains(giveUp)).count() >= 1);
            long firstGiveUp = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines().filter(l -> l.contains(giveUp)).count() >= 2);
            assertThat(Duration.ofNanos(System.nanoTime() - firstGiveUp)).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
            assertThat(probe.committedOffset(GROUP, partition)).isLessThanOrEqualTo(written.offset());
            probe.restoreRecordSize(Topics.VCENTER_EVENTS.name());
            assertThat(resultsOf(stuck).get(stuck.getCommandId()).getCode()).isEqualTo(VcenterResultCode.OK);
        } finally {
            probe.restoreRecordSize(Topics.VCENTER_EVENTS.name());
            probe.restoreRecordSize(Topics.VCENTER_COMMANDS_DLT.name());
        }

        assertThat(committedResultsOf(stuck)).hasSize(1);
        assertThat(deadLettersOf(written)).isEmpty();
        assertThat(probe.committedOffset(GROUP, partition)).isGreaterThan(written.offset());
    }

    /** The single-object header of a VcenterCommand, then a length prefix for its first string and nothing more. */
    private static byte[] withFirstStringLength(long length) throws Exception {
        byte[] header = Arrays.copyOf(encode(Commands.checkConnection("vc01")), 10);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeLong(length);
        encoder.flush();
        return out.toByteArray();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
