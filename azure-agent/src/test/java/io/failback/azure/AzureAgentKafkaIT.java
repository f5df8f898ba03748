package io.failback.azure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.failback.agent.testing.KafkaProbe;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzurePowerState;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ShutdownAzureVm;
import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.arm.OperationKind;
import io.failback.sandbox.kafka.InJvmKafka;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
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
import org.junit.jupiter.api.AfterAll;
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
 * The whole agent as Spring Boot runs it: commands produced to the Azure command topic of a real KRaft
 * broker, carried out through the Azure SDK against the ARM emulator over HTTPS, results read from the
 * Azure events topic; unreadable commands on the dead-letter topic once; commands of aborted transactions
 * never run; a command sent again answered from memory; a result the broker refuses retried a bounded time,
 * then given up on to the dead-letter topic.
 */
@SpringBootTest(classes = AzureAgentApplication.class)
@ExtendWith(OutputCaptureExtension.class)
class AzureAgentKafkaIT {

    private static final String TRUSTSTORE_PASSWORD = "kafka-it-truststore-secret";
    private static final String GROUP = "azure-agent";
    private static final Duration GIVE_UP_AFTER = Duration.ofMillis(1500);
    private static final EmbeddedKafkaKraftBroker BROKER = InJvmKafka.start();
    private static final ArmEmulator EMULATOR = startEmulator();
    private static final List<ConsumerRecord<byte[], byte[]>> RESULTS = new CopyOnWriteArrayList<>();
    private static volatile boolean reading = true;
    private static final Thread READER = reader();

    private static ArmEmulator startEmulator() {
        try {
            return ArmEmulator.builder().operationDuration(Duration.ofMillis(150)).pollRetryAfter(Duration.ZERO)
                    .expectedToken(AgentFixtures.TOKEN).truststorePassword(TRUSTSTORE_PASSWORD).start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", BROKER::getBrokersAsString);
        registry.add("failback.azure.subscription-id", () -> AgentFixtures.SUBSCRIPTION);
        registry.add("failback.azure.arm-endpoint", () -> EMULATOR.url().toString());
        registry.add("failback.azure.credential", () -> "static-token");
        registry.add("failback.azure.static-token", () -> AgentFixtures.TOKEN);
        registry.add("failback.azure.truststore.path", () -> EMULATOR.truststore().toString());
        registry.add("failback.azure.truststore.password", () -> TRUSTSTORE_PASSWORD);
        registry.add("failback.azure.max-concurrent-ops", () -> "3");
        registry.add("failback.azure.poll-interval", () -> "50ms");
        registry.add("failback.azure.retry.base-delay", () -> "100ms");
        registry.add("failback.azure.retry.max-delay", () -> "2s");
        registry.add("failback.azure.operation-timeout", () -> "30s");
        registry.add("failback.agent.retry.initial-delay", () -> "100ms");
        registry.add("failback.agent.retry.max-delay", () -> "400ms");
        registry.add("failback.agent.retry.give-up-after", GIVE_UP_AFTER::toString);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        reading = false;
        READER.join(10_000);
        EMULATOR.close();
        BROKER.destroy();
    }

    @Test
    void shouldAnswerAShutdownCommandOnTheEventsTopicKeyedByItsJob(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand command = AgentFixtures.command(new ShutdownAzureVm(vm));

        send(command.getVmId(), Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), command));

        ConsumerRecord<byte[], byte[]> record = awaitResult(command.getCommandId());
        AzureResult result = decode(record);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(command.getJobId());
        assertThat(result.getJobId()).isEqualTo(command.getJobId());
        assertThat(result.getVmId()).isEqualTo(command.getVmId());
        assertThat(result.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(result.getOutcome().getPowerState()).isEqualTo(AzurePowerState.DEALLOCATED);
        assertThat(EMULATOR.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(output.getAll()).doesNotContain(AgentFixtures.TOKEN).doesNotContain(TRUSTSTORE_PASSWORD);
    }

    @Test
    void shouldAnswerARepeatedDeleteWithoutDeletingAgain() throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.DEALLOCATED);
        AzureCommand first = AgentFixtures.command(new DeleteAzureVm(vm, true, true, java.util.List.of(), java.util.List.of()));
        AzureCommand again = AzureCommand.newBuilder(first).setCommandId(first.getCommandId() + "-again").build();

        send(first.getVmId(), Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), first));
        send(again.getVmId(), Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), again));

        assertThat(decode(awaitResult(first.getCommandId())).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(decode(awaitResult(again.getCommandId())).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(EMULATOR.vm(vm)).isEmpty();
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind()).containsExactly(OperationKind.DELETE_VM);
    }

    @Test
    void shouldSendAnUnreadableCommandToTheDeadLetterTopicOnceAndGoOn() throws Exception {
        byte[] garbage = "{\"commandId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);
        AzureCommand next = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm(vm))).setVmId("vm-garbage").build();

        RecordMetadata written = send("vm-garbage", garbage);
        send(next);

        AzureResult result = decode(awaitResult(next.getCommandId()));
        assertThat(result.getOutcome().getPowerState()).isEqualTo(AzurePowerState.STOPPED);
        // The command after it on the same partition is answered, so the dead letter is committed by now.
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(dead.get(0).key()).isEqualTo("vm-garbage");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.AZURE_COMMANDS.name());
        assertThat(header(dead.get(0), DeadLetterHeaders.SERVICE)).isEqualTo("azure-agent");
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
    }

    @Test
    void shouldDeadLetterOnceAndGoOnWhenARecordDeclaresAStringNoArrayCanHold(CapturedOutput output) throws Exception {
        // A command whose first string claims 2^31 - 8 bytes: more than any Java array holds (issue 10's hang).
        byte[] hostile = withFirstStringLength(Integer.MAX_VALUE - 7L);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);
        AzureCommand next = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm(vm))).setVmId("vm-hostile\nFORGED").build();

        RecordMetadata written = send(next.getVmId(), hostile);
        send(next);

        assertThat(decode(awaitResult(next.getCommandId())).getCode()).isEqualTo(AzureResultCode.OK);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(hostile);
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isNotBlank();
        assertThat(output.getAll().lines().filter(l -> l.contains(at(written)))).singleElement().satisfies(line ->
                assertThat(line).contains("ERROR").contains("unreadable command"));
        assertThat(output.getAll()).doesNotContain("Record in retry").doesNotContainPattern("(?m)^FORGED");
    }

    @Test
    void shouldRunOnlyCommandsOfCommittedTransactions() throws Exception {
        String abortedVm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        String committedVm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand aborted = AgentFixtures.command(new ShutdownAzureVm(abortedVm));
        AzureCommand committed = AzureCommand.newBuilder(AgentFixtures.command(new ShutdownAzureVm(committedVm)))
                .setVmId(aborted.getVmId()).setJobId(aborted.getJobId()).build();
        String key = aborted.getVmId();

        try (KafkaProbe probe = new KafkaProbe(BROKER.getBrokersAsString())) {
            probe.inTransaction(false, List.of(new ProducerRecord<>(Topics.AZURE_COMMANDS.name(), key, encode(aborted))));
            probe.inTransaction(true, List.of(new ProducerRecord<>(Topics.AZURE_COMMANDS.name(), key, encode(committed))));
        }

        assertThat(decode(awaitResult(committed.getCommandId())).getCode()).isEqualTo(AzureResultCode.OK);
        // Same partition in, same job (so same partition) out: an answer to the aborted one would have come first.
        assertThat(RESULTS).noneMatch(r -> decode(r).getCommandId().equals(aborted.getCommandId()));
        assertThat(EMULATOR.vm(committedVm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(EMULATOR.vm(abortedVm).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(EMULATOR.operationLog().mutationsOf(abortedVm)).isEmpty();
    }

    @Test
    void shouldAnswerADeleteSentAgainWithTheSameIdFromMemoryWithoutCallingArm() throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.DEALLOCATED);
        AzureCommand delete = AgentFixtures.command(new DeleteAzureVm(vm, true, true, List.of(), List.of()));
        send(delete);
        AzureResult first = decode(awaitResult(delete.getCommandId()));
        assertThat(first.getCode()).isEqualTo(AzureResultCode.OK);
        int calls = EMULATOR.operationLog().calls().size();

        // The orchestrator re-sends on a timeout with the same id (and a new send time).
        AzureCommand again = AzureCommand.newBuilder(delete).setIssuedAt(delete.getIssuedAt().plusSeconds(600)).build();
        send(again);
        // Behind it on its partition: a command refused before any call, so that its answer says the re-send was handled.
        AzureCommand marker = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm("not-an-arm-id"))).setVmId(delete.getVmId()).build();
        send(marker);
        awaitResult(marker.getCommandId());

        assertThat(committedResultsOf(delete)).hasSize(2).allSatisfy(r -> assertThat(r).isEqualTo(first));
        assertThat(EMULATOR.operationLog().calls()).as("no call to ARM after the first delete").hasSize(calls);
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind()).containsExactly(OperationKind.DELETE_VM);
    }

    @Test
    void shouldGiveUpOnACommandWhoseResultTheBrokerRefusesAfterABoundedRetryAndGoOn(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand refused = AgentFixtures.command(new ShutdownAzureVm(vm));
        RecordMetadata written;
        long started = System.nanoTime();
        try (KafkaProbe probe = new KafkaProbe(BROKER.getBrokersAsString())) {
            probe.limitRecordSize(Topics.AZURE_EVENTS.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
            try {
                written = send(refused);
                await().atMost(Duration.ofSeconds(60)).until(() -> !deadLettersOf(written).isEmpty());
            } finally {
                probe.restoreRecordSize(Topics.AZURE_EVENTS.name());
            }
        }
        Duration tookToGiveUp = Duration.ofNanos(System.nanoTime() - started);
        AzureCommand next = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm(vm))).setVmId(refused.getVmId()).build();
        send(next);

        assertThat(decode(awaitResult(next.getCommandId())).getOutcome().getPowerState()).isEqualTo(AzurePowerState.DEALLOCATED);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(encode(refused));
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isEqualTo("RecordTooLargeException");
        assertThat(tookToGiveUp).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
        assertThat(committedResultsOf(refused)).isEmpty();
        assertThat(output.getAll().lines().filter(l -> l.contains("gave up on command at " + at(written)))).singleElement()
                .satisfies(line -> assertThat(line).contains("ERROR").contains("RecordTooLargeException"));
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind())
                .containsExactly(OperationKind.POWER_OFF_VM, OperationKind.DEALLOCATE_VM);
    }

    @Test
    void shouldLeaveACommandUncommittedWhileNeitherItsResultNorItsDeadLetterCanBeWritten(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);
        AzureCommand stuck = AgentFixtures.command(new ReadAzureVm(vm));
        RecordMetadata written;
        TopicPartition partition;
        try (KafkaProbe probe = new KafkaProbe(BROKER.getBrokersAsString())) {
            probe.limitRecordSize(Topics.AZURE_EVENTS.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
            probe.limitRecordSize(Topics.AZURE_COMMANDS_DLT.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
            try {
                written = send(stuck);
                partition = new TopicPartition(written.topic(), written.partition());
                String giveUp = "gave up on command at " + at(written);
                // Two give-ups: the first dead letter failed, so nothing was committed and the batch was read again,
                // with the whole bounded back-off between them (no tight loop).
                await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines().filter(l -> l.contains(giveUp)).count() >= 1);
                long firstGiveUp = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().lines().filter(l -> l.contains(giveUp)).count() >= 2);
                assertThat(Duration.ofNanos(System.nanoTime() - firstGiveUp)).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
                assertThat(probe.committedOffset(GROUP, partition)).isLessThanOrEqualTo(written.offset());
                probe.restoreRecordSize(Topics.AZURE_EVENTS.name());
                assertThat(decode(awaitResult(stuck.getCommandId())).getCode()).isEqualTo(AzureResultCode.OK);
            } finally {
                probe.restoreRecordSize(Topics.AZURE_EVENTS.name());
                probe.restoreRecordSize(Topics.AZURE_COMMANDS_DLT.name());
            }
            assertThat(committedResultsOf(stuck)).hasSize(1);
            assertThat(deadLettersOf(written)).isEmpty();
            assertThat(probe.committedOffset(GROUP, partition)).isGreaterThan(written.offset());
        }
    }

    // ------------------------------------------------------------------ broker plumbing

    private static RecordMetadata send(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString()), new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(Topics.AZURE_COMMANDS.name(), key.getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static RecordMetadata send(AzureCommand command) throws Exception {
        return send(command.getVmId(), encode(command));
    }

    private static byte[] encode(AzureCommand command) {
        return Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), command);
    }

    /** Every committed result of the command, read after its answer, to count answers. */
    private static List<AzureResult> committedResultsOf(AzureCommand command) {
        try (KafkaProbe probe = new KafkaProbe(BROKER.getBrokersAsString())) {
            return probe.readCommitted(Topics.AZURE_EVENTS.name()).stream()
                    .map(r -> Topics.AZURE_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                    .filter(r -> r.getCommandId().equals(command.getCommandId())).toList();
        }
    }

    /** The committed dead letters of the record written at {@code source}. */
    private static List<ConsumerRecord<String, byte[]>> deadLettersOf(RecordMetadata source) {
        try (KafkaProbe probe = new KafkaProbe(BROKER.getBrokersAsString())) {
            return probe.readCommitted(Topics.AZURE_COMMANDS_DLT.name()).stream()
                    .filter(r -> header(r, DeadLetterHeaders.SOURCE_PARTITION).equals(Integer.toString(source.partition()))
                            && header(r, DeadLetterHeaders.SOURCE_OFFSET).equals(Long.toString(source.offset())))
                    .toList();
        }
    }

    private static String at(RecordMetadata written) {
        return Topics.AZURE_COMMANDS.name() + "-" + written.partition() + "@" + written.offset() + ":";
    }

    /** The single-object header of an AzureCommand, then a length prefix for its first string and nothing more. */
    private static byte[] withFirstStringLength(long length) throws Exception {
        byte[] header = java.util.Arrays.copyOf(encode(AgentFixtures.command(new ReadAzureVm("x"))), 10);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(header);
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeLong(length);
        encoder.flush();
        return out.toByteArray();
    }

    private static ConsumerRecord<byte[], byte[]> awaitResult(String commandId) {
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> RESULTS.stream().filter(r -> decode(r).getCommandId().equals(commandId)).findFirst().orElse(null),
                r -> r != null);
    }

    private static AzureResult decode(ConsumerRecord<byte[], byte[]> record) {
        return Topics.AZURE_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Thread reader() {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString(),
                    ConsumerConfig.GROUP_ID_CONFIG, "azure-agent-it-reader",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.AZURE_EVENTS.name()));
                while (reading) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        RESULTS.add(record);
                    }
                }
            }
        }, "azure-agent-it-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
