package io.failback.azure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.failback.agent.testing.CommandTopicDrill;
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
import io.failback.testsupport.InJvmKafka;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    private static final EmbeddedKafkaKraftBroker BROKER = InJvmKafka.start();
    private static final ArmEmulator EMULATOR = startEmulator();

    private CommandTopicDrill<AzureCommand, AzureResult> drill;

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
        CommandTopicDrill.RETRY_SETTINGS.forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stop() {
        EMULATOR.close();
        BROKER.destroy();
    }

    @BeforeEach
    void clients() {
        drill = new CommandTopicDrill<>(BROKER.getBrokersAsString(), GROUP, Topics.AZURE_COMMANDS, Topics.AZURE_EVENTS,
                Topics.AZURE_COMMANDS_DLT, AzureCommand::getCommandId, AzureCommand::getVmId, AzureResult::getCommandId);
    }

    @AfterEach
    void closeClients() {
        drill.close();
    }

    @Test
    void shouldAnswerAShutdownCommandOnTheEventsTopicKeyedByItsJob(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand command = AgentFixtures.command(new ShutdownAzureVm(vm));

        drill.send(command);

        ConsumerRecord<String, AzureResult> record = drill.awaitAnswer(command);
        AzureResult result = record.value();
        assertThat(record.key()).isEqualTo(command.getJobId());
        assertThat(result.getJobId()).isEqualTo(command.getJobId());
        assertThat(result.getVmId()).isEqualTo(command.getVmId());
        assertThat(result.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(result.getOutcome().getPowerState()).isEqualTo(AzurePowerState.DEALLOCATED);
        assertThat(EMULATOR.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(output.getAll()).doesNotContain(AgentFixtures.TOKEN).doesNotContain(TRUSTSTORE_PASSWORD);
    }

    @Test
    void shouldRunAsManyCommandsAtOnceAsMaxConcurrentOpsAndNoMore() throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand read = AgentFixtures.command(new ReadAzureVm(vm));

        drill.send(read);
        drill.awaitResult(read);

        // Each consumer thread runs one command at a time (one VM's commands share a partition, so they run in order).
        assertThat(drill.probe().consumersOf(GROUP)).as("failback.azure.max-concurrent-ops = 3").isEqualTo(3);
    }

    @Test
    void shouldAnswerARepeatedDeleteWithoutDeletingAgain() throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.DEALLOCATED);
        AzureCommand first = AgentFixtures.command(new DeleteAzureVm(vm, true, true, List.of(), List.of()));
        AzureCommand again = AzureCommand.newBuilder(first).setCommandId(first.getCommandId() + "-again").build();

        drill.send(first);
        drill.send(again);

        assertThat(drill.awaitResult(first).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(drill.awaitResult(again).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(EMULATOR.vm(vm)).isEmpty();
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind()).containsExactly(OperationKind.DELETE_VM);
    }

    @Test
    void shouldSendAnUnreadableCommandToTheDeadLetterTopicOnceAndGoOn(CapturedOutput output) throws Exception {
        byte[] garbage = "{\"commandId\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);

        CommandTopicDrill.DeadLettered<AzureResult> outcome = drill.assertDeadLettersOnceAndGoesOn("vm-garbage", garbage,
                AgentFixtures.command(new ReadAzureVm(vm)), "azure-agent", output::getAll);

        assertThat(outcome.answer().getOutcome().getPowerState()).isEqualTo(AzurePowerState.STOPPED);
        assertThat(outcome.problem()).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
    }

    @Test
    void shouldSendATombstoneToTheDeadLetterTopicOnceAtOnceAndGoOn(CapturedOutput output) throws Exception {
        // Kafka hands a null value over without calling the deserializer: it must not be retried as a failed command.
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);

        CommandTopicDrill.DeadLettered<AzureResult> outcome = drill.assertDeadLettersOnceAndGoesOn("vm-tombstone", null,
                AgentFixtures.command(new ReadAzureVm(vm)), "azure-agent", output::getAll);

        assertThat(outcome.answer().getOutcome().getPowerState()).isEqualTo(AzurePowerState.STOPPED);
        assertThat(outcome.problem()).isEqualTo("EMPTY");
    }

    @Test
    void shouldDeadLetterOnceAndGoOnWhenARecordDeclaresAStringNoArrayCanHold(CapturedOutput output) throws Exception {
        // A command whose first string claims 2^31 - 8 bytes: more than any Java array holds (issue 10's hang).
        byte[] hostile = drill.withFirstStringLength(AgentFixtures.command(new ReadAzureVm("x")), Integer.MAX_VALUE - 7L);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);

        CommandTopicDrill.DeadLettered<AzureResult> outcome = drill.assertDeadLettersOnceAndGoesOn("vm-hostile\nFORGED", hostile,
                AgentFixtures.command(new ReadAzureVm(vm)), "azure-agent", output::getAll);

        assertThat(outcome.answer().getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(outcome.problem()).isEqualTo("LENGTH_BEYOND_RECORD");
    }

    @Test
    void shouldTryAnUnreadableRecordsDeadLetterAgainWithoutSpinningWhileTheBrokerRefusesIt(CapturedOutput output) throws Exception {
        byte[] garbage = "refused twice over".getBytes(StandardCharsets.UTF_8);
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);

        AzureResult answer = drill.assertUnreadableRecordWaitsWhileItsDeadLetterIsRefused("vm-refused", garbage,
                AgentFixtures.command(new ReadAzureVm(vm)), output::getAll);

        assertThat(answer.getCode()).isEqualTo(AzureResultCode.OK);
    }

    @Test
    void shouldRunOnlyCommandsOfCommittedTransactions() throws Exception {
        String abortedVm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        String committedVm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand aborted = AgentFixtures.command(new ShutdownAzureVm(abortedVm));
        AzureCommand committed = AzureCommand.newBuilder(AgentFixtures.command(new ShutdownAzureVm(committedVm)))
                .setVmId(aborted.getVmId()).setJobId(aborted.getJobId()).build();

        drill.sendInTransaction(false, aborted);
        drill.sendInTransaction(true, committed);

        assertThat(drill.awaitResult(committed).getCode()).isEqualTo(AzureResultCode.OK);
        // Same partition in, same job (so same partition) out: an answer to the aborted one would have come first.
        assertThat(drill.committedResultsOf(aborted)).isEmpty();
        assertThat(EMULATOR.vm(committedVm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(EMULATOR.vm(abortedVm).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(EMULATOR.operationLog().mutationsOf(abortedVm)).isEmpty();
    }

    @Test
    void shouldAnswerADeleteSentAgainWithTheSameIdFromMemoryWithoutCallingArm() throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.DEALLOCATED);
        AzureCommand delete = AgentFixtures.command(new DeleteAzureVm(vm, true, true, List.of(), List.of()));
        drill.send(delete);
        AzureResult first = drill.awaitResult(delete);
        assertThat(first.getCode()).isEqualTo(AzureResultCode.OK);
        int calls = EMULATOR.operationLog().calls().size();

        // The orchestrator re-sends on a timeout with the same id (and a new send time).
        drill.send(AzureCommand.newBuilder(delete).setIssuedAt(delete.getIssuedAt().plusSeconds(600)).build());
        // Behind it on its partition: a command refused before any call, so that its answer says the re-send was handled.
        AzureCommand marker = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm("not-an-arm-id"))).setVmId(delete.getVmId()).build();
        drill.send(marker);
        drill.awaitAnswer(marker);

        assertThat(drill.committedResultsOf(delete)).hasSize(2).allSatisfy(r -> assertThat(r).isEqualTo(first));
        assertThat(EMULATOR.operationLog().calls()).as("no call to ARM after the first delete").hasSize(calls);
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind()).containsExactly(OperationKind.DELETE_VM);
    }

    @Test
    void shouldGiveUpOnACommandWhoseResultTheBrokerRefusesAfterABoundedRetryAndGoOn(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.RUNNING);
        AzureCommand refused = AgentFixtures.command(new ShutdownAzureVm(vm));
        AzureCommand next = AzureCommand.newBuilder(AgentFixtures.command(new ReadAzureVm(vm))).setVmId(refused.getVmId()).build();

        AzureResult answer = drill.assertGivesUpAfterBoundedRetryAndGoesOn(refused, next, output::getAll);

        assertThat(answer.getOutcome().getPowerState()).as("the shutdown ran; only its result was refused")
                .isEqualTo(AzurePowerState.DEALLOCATED);
        assertThat(EMULATOR.operationLog().mutationsOf(vm)).extracting(c -> c.kind())
                .containsExactly(OperationKind.POWER_OFF_VM, OperationKind.DEALLOCATE_VM);
    }

    @Test
    void shouldLeaveACommandUncommittedWhileNeitherItsResultNorItsDeadLetterCanBeWritten(CapturedOutput output) throws Exception {
        String vm = AgentFixtures.seedVm(EMULATOR, ArmPowerState.STOPPED);
        AzureCommand stuck = AgentFixtures.command(new ReadAzureVm(vm));

        AzureResult answer = drill.assertStaysUncommittedWhileNothingCanBeWritten(stuck, output::getAll);

        assertThat(answer.getCode()).isEqualTo(AzureResultCode.OK);
    }
}
