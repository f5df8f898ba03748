package io.failback.azure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
 * Azure events topic; unreadable commands on the dead-letter topic.
 */
@SpringBootTest(classes = AzureAgentApplication.class)
@ExtendWith(OutputCaptureExtension.class)
class AzureAgentKafkaIT {

    private static final String TRUSTSTORE_PASSWORD = "kafka-it-truststore-secret";
    private static final EmbeddedKafkaKraftBroker BROKER = InJvmKafka.start();
    private static final ArmEmulator EMULATOR = startEmulator();
    private static final List<ConsumerRecord<byte[], byte[]>> RESULTS = new CopyOnWriteArrayList<>();
    private static final List<ConsumerRecord<byte[], byte[]>> DEAD_LETTERS = new CopyOnWriteArrayList<>();
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
    void shouldSendAnUnreadableCommandToTheDeadLetterTopicAndGoOn() throws Exception {
        byte[] garbage = "{\"commandId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);
        AzureCommand next = AgentFixtures.command(new ReadAzureVm(vm));

        send("vm-garbage", garbage);
        send(next.getVmId(), Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), next));

        AzureResult result = decode(awaitResult(next.getCommandId()));
        assertThat(result.getOutcome().getPowerState()).isEqualTo(AzurePowerState.STOPPED);
        await().atMost(Duration.ofSeconds(30)).until(() -> !DEAD_LETTERS.isEmpty());
        ConsumerRecord<byte[], byte[]> dead = DEAD_LETTERS.get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("vm-garbage");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.AZURE_COMMANDS.name());
        assertThat(header(dead, DeadLetterHeaders.SERVICE)).isEqualTo("azure-agent");
        assertThat(header(dead, DeadLetterHeaders.PROBLEM)).isNotBlank();
    }

    // ------------------------------------------------------------------ broker plumbing

    private static void send(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.AZURE_COMMANDS.name(), key.getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static ConsumerRecord<byte[], byte[]> awaitResult(String commandId) {
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> RESULTS.stream().filter(r -> decode(r).getCommandId().equals(commandId)).findFirst().orElse(null),
                r -> r != null);
    }

    private static AzureResult decode(ConsumerRecord<byte[], byte[]> record) {
        return Topics.AZURE_EVENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static Thread reader() {
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString(),
                    ConsumerConfig.GROUP_ID_CONFIG, "azure-agent-it-reader",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.AZURE_EVENTS.name(), Topics.AZURE_COMMANDS_DLT.name()));
                while (reading) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        (record.topic().equals(Topics.AZURE_EVENTS.name()) ? RESULTS : DEAD_LETTERS).add(record);
                    }
                }
            }
        }, "azure-agent-it-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
