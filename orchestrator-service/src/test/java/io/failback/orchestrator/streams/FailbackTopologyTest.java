package io.failback.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.failback.messages.AzureCommand;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InventoryRecord;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmClaim;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology production runs, driven by {@link TopologyTestDriver}: inventory into the global stores,
 * requests through the claims hop to agent commands, agent results back to the job's partition, status
 * and audit out, unreadable records to the dead-letter topic, and the wall-clock timers that resend.
 */
class FailbackTopologyTest {

    private static final Duration TICK = Duration.ofSeconds(1);

    private final SagaSettings settings = SagaSettings.defaults();
    private final Estate estate = new Estate();
    private TopologyTestDriver driver;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path stateDir;

    private final List<VcenterCommand> vcenterSent = new ArrayList<>();
    private final List<AzureCommand> azureSent = new ArrayList<>();

    @BeforeEach
    void startDriver() {
        driver = driver(settings, stateDir, new Properties());
    }

    /** The whole topology on the test driver at {@link Estate#T0}, its stores in {@code stateDir}, plus {@code more} config. */
    static TopologyTestDriver driver(SagaSettings settings, java.nio.file.Path stateDir, Properties more) {
        return driver(new Orchestrator(settings), stateDir, more);
    }

    /** The whole topology around {@code orchestrator} on the test driver at {@link Estate#T0}, timers looked at every second. */
    static TopologyTestDriver driver(Orchestrator orchestrator, java.nio.file.Path stateDir, Properties more) {
        Properties props = FailbackTopology.requiredConfig();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "failback-orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(more);
        return new TopologyTestDriver(FailbackTopology.build(orchestrator, TICK), props, Instant.ofEpochMilli(Estate.T0));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldTakeARequestThroughClaimsPreflightAndEveryStepToAwaitingCommitThenCommit() {
        estate.windows("vm-win").vm("vm-lin");
        seedInventory();

        requests().pipeInput("job-1", Estate.request("job-1", "vm-win", "vm-lin").build());
        answerEveryCommand();

        assertThat(claims().readRecordsToList()).extracting(TestRecord::key, r -> r.value().getJobId())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("vm-win", "job-1"),
                        org.assertj.core.groups.Tuple.tuple("vm-lin", "job-1"));
        List<TestRecord<String, StatusEvent>> statuses = status().readRecordsToList();
        assertThat(statuses).allSatisfy(r -> assertThat(r.key()).isEqualTo("job-1"));
        assertThat(lastJobState(statuses)).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(lastVmState(statuses, "vm-win")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        assertThat(lastVmState(statuses, "vm-lin")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        assertThat(steps("vm-win")).containsSubsequence(Step.SHUT_DOWN_AZURE_VM, Step.POWER_OFF_ON_PREMISES_VM,
                Step.DETACH_FROM_MASTER_TARGET, Step.ATTACH_TO_ON_PREMISES_VM, Step.ENABLE_VMWARE_TOOLS,
                Step.POWER_ON_ON_PREMISES_VM);
        assertThat(steps("vm-lin")).doesNotContain(Step.ENABLE_VMWARE_TOOLS).contains(Step.POWER_ON_ON_PREMISES_VM);
        assertThat(steps("vm-win")).doesNotContain(Step.DELETE_AZURE_VM);
        assertThat(vcenterSent).allSatisfy(c -> assertThat(c.getCommandId()).startsWith("job-1:" + c.getVmId() + ":"));
        assertThat(audit().readRecordsToList()).extracting(TestRecord::key).isNotEmpty().containsOnly("job-1");

        commitJob();

        assertThat(steps("vm-win")).contains(Step.DELETE_AZURE_VM);
        assertThat(steps("vm-lin")).contains(Step.DELETE_AZURE_VM);
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void shouldHandleAnEngineResultWhereItLandsWhenItsJobIsThereAndSendAnyOtherOnToItsJob() {
        // given a job whose VM awaits the engine's answer to its PREPARE_FAILBACK
        estate.vm("vm-lin");
        seedInventory();
        requests().pipeInput("job-1", Estate.request("job-1", "vm-lin").build());
        TestOutputTopic<String, io.failback.messages.OrchestratorInput> inputs = output(Topics.ORCHESTRATOR_INPUTS);
        inputs.readRecordsToList(); // the request's own hop

        // when the engine answers on the job's partition, and an answer names a job this partition doesn't hold
        answerEveryCommand();
        io.failback.messages.ReplicationResult elsewhere = io.failback.messages.ReplicationResult.newBuilder(World.okFor(
                new io.failback.messages.ReplicationCommand("job-2:vm-9:3:PREPARE_FAILBACK", "job-2", "vm-9",
                        Instant.ofEpochMilli(Estate.T0), new io.failback.messages.PrepareFailback("vm-9", "p-1")))).build();
        input(Topics.REPLICATION_EVENTS).pipeInput("job-2", elsewhere);

        // then the job's answers were handled where they landed, with no hop through the inputs topic
        assertThat(steps("vm-lin")).as("the steps after the engine's answer").contains(Step.POWER_OFF_ON_PREMISES_VM, Step.POWER_ON_ON_PREMISES_VM);
        // and only the other one went on, keyed by its job, for its job's partition to decide
        assertThat(inputs.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("job-2");
            assertThat(r.value().getInput()).isEqualTo(elsewhere);
        });
    }

    @Test
    void shouldRouteCommandsByVmAndExpectResultsByJob() {
        estate.vm("vm-a");
        seedInventory();

        requests().pipeInput("job-keys", Estate.request("job-keys", "vm-a").build());
        List<TestRecord<String, VcenterCommand>> commands = vcenterCommands().readRecordsToList();

        assertThat(commands).isNotEmpty().allSatisfy(r -> assertThat(r.key()).isEqualTo("vm-a"));
        assertThat(commands).allSatisfy(r -> assertThat(r.value().getJobId()).isEqualTo("job-keys"));
    }

    @Test
    void shouldTreatARepeatedRequestIdAsTheSameJob() {
        estate.vm("vm-a");
        seedInventory();
        requests().pipeInput("job-2", Estate.request("job-2", "vm-a").build());
        answerEveryCommand();
        int commandsBefore = vcenterSent.size() + azureSent.size();
        status().readRecordsToList();

        requests().pipeInput("job-2", Estate.request("job-2", "vm-a").build());
        answerEveryCommand();

        assertThat(vcenterSent.size() + azureSent.size()).as("no step is sent again").isEqualTo(commandsBefore);
        assertThat(claims().readRecordsToList()).hasSize(1);
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.AWAITING_COMMIT);
    }

    @Test
    void shouldForgetAnEndedJobsVmRecordsOnceItIsOlderThanTheRetentionAndStillAnswerForTheJob() {
        // given a job run to COMPLETED
        estate.windows("vm-win").vm("vm-lin");
        seedInventory();
        runJobAndCommit("vm-win", "vm-lin");
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.COMPLETED);
        audit().readRecordsToList();
        KeyValueStore<String, ?> vms = driver.getKeyValueStore(StoreNames.JOB_VMS);
        KeyValueStore<String, ?> facts = driver.getKeyValueStore(StoreNames.JOB_VM_FACTS);

        // when a day short of the retention passes, its VM records are all kept
        driver.advanceWallClockTime(FailbackTopology.ENDED_JOB_RETENTION.minusDays(1));
        assertThat(vms.get("job-1/vm-win")).isNotNull();
        assertThat(facts.get("job-1/vm-lin")).isNotNull();
        assertThat(audit().readRecordsToList()).isEmpty();

        // when the job is older than the retention
        driver.advanceWallClockTime(java.time.Duration.ofDays(1).plus(TICK));

        // then its VM records are gone from both stores, and one audit record says so and why
        assertThat(vms.get("job-1/vm-win")).isNull();
        assertThat(vms.get("job-1/vm-lin")).isNull();
        assertThat(facts.get("job-1/vm-win")).isNull();
        assertThat(facts.get("job-1/vm-lin")).isNull();
        assertThat(audit().readValuesToList()).singleElement().satisfies(a -> {
            assertThat(a.getJobId()).isEqualTo("job-1");
            assertThat(a.getKind()).isEqualTo(io.failback.messages.AuditKind.DECISION);
            assertThat(a.getAction()).isEqualTo("ended job's VM records forgotten");
            assertThat(a.getDetail()).contains("2 VM(s)", "COMPLETED", "more than 7 days ago", "ended-job-retention");
        });
        // and the job itself is still known: a repeated request is the same job, COMPLETED, and starts nothing
        int commandsBefore = vcenterSent.size() + azureSent.size();
        requests().pipeInput("job-1", Estate.request("job-1", "vm-win", "vm-lin").build());
        answerEveryCommand();
        assertThat(vcenterSent.size() + azureSent.size()).isEqualTo(commandsBefore);
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.COMPLETED);
        // and a later tick forgets nothing again
        driver.advanceWallClockTime(TICK);
        assertThat(audit().readValuesToList()).noneMatch(a -> a.getAction().equals("ended job's VM records forgotten"));
    }

    @Test
    void shouldForgetAnEndedJobsVmsAFewPerCallAndSayItOnceAtTheLastEvenAcrossARestart() {
        // given a job of three VMs run to its end
        estate.vm("vm-a").vm("vm-b").vm("vm-c");
        seedInventory();
        runJobAndCommit("vm-a", "vm-b", "vm-c");
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.COMPLETED);
        KeyValueStore<String, ?> vms = driver.getKeyValueStore(StoreNames.JOB_VMS);
        java.time.Duration retention = java.time.Duration.ofHours(1);

        // when a processor started on the stores forgets two VMs per call
        KeyValueJobStore store = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS), driver.getKeyValueStore(StoreNames.JOB_VMS),
                driver.getKeyValueStore(StoreNames.JOB_VM_FACTS), driver.getKeyValueStore(StoreNames.JOB_WORK), retention);
        assertThat(store.job("job-1").endedAt()).as("kept with the job when it ended").isPositive();
        long due = store.job("job-1").endedAt() + retention.toMillis();

        // then nothing goes before the retention, two go at the first call after it, and the last call names the job
        assertThat(store.forgetEnded(due - 1, 2)).isEmpty();
        assertThat(vms.get("job-1/vm-a")).isNotNull();
        assertThat(store.forgetEnded(due, 2)).isEmpty();
        assertThat(java.util.stream.Stream.of("vm-a", "vm-b", "vm-c").filter(vm -> vms.get("job-1/" + vm) != null)).hasSize(1);
        assertThat(store.forgetEnded(due, 2)).singleElement().satisfies(gone -> {
            assertThat(gone.job().jobId()).isEqualTo("job-1");
            assertThat(gone.vms()).isEqualTo(3);
        });
        assertThat(vms.get("job-1/vm-c")).isNull();
        assertThat(store.forgetEnded(due, 2)).isEmpty();
        // and a processor started again on the stores finds the job with nothing left, and says nothing
        KeyValueJobStore restarted = new KeyValueJobStore(driver.getKeyValueStore(StoreNames.JOBS), driver.getKeyValueStore(StoreNames.JOB_VMS),
                driver.getKeyValueStore(StoreNames.JOB_VM_FACTS), driver.getKeyValueStore(StoreNames.JOB_WORK), retention);
        assertThat(restarted.forgetEnded(due, 2)).isEmpty();
        assertThat(restarted.job("job-1").state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void shouldKeepAJobsVmRecordsHoweverOldItIsUntilTheRetentionHasPassedSinceItEnded() {
        // given a job awaiting its commit for longer than the retention
        estate.vm("vm-lin");
        seedInventory();
        requests().pipeInput("job-1", Estate.request("job-1", "vm-lin").build());
        answerEveryCommand();
        driver.advanceWallClockTime(FailbackTopology.ENDED_JOB_RETENTION.plusDays(1));

        // then its VM is kept, and the commit still runs it to the end
        assertThat(driver.getKeyValueStore(StoreNames.JOB_VMS).get("job-1/vm-lin")).isNotNull();
        commitJob();
        assertThat(steps("vm-lin")).contains(Step.DELETE_AZURE_VM);
        assertThat(lastJobState(status().readRecordsToList())).isEqualTo(JobState.COMPLETED);
        audit().readRecordsToList();
        // and, requested longer ago than the retention but just ended, it is kept at the next tick and a day short of the
        // retention after its end
        driver.advanceWallClockTime(TICK);
        driver.advanceWallClockTime(FailbackTopology.ENDED_JOB_RETENTION.minusDays(1));
        assertThat(driver.getKeyValueStore(StoreNames.JOB_VMS).get("job-1/vm-lin")).isNotNull();
        assertThat(audit().readRecordsToList()).isEmpty();
        // and it goes once the retention has passed since its end, the audit saying so
        driver.advanceWallClockTime(java.time.Duration.ofDays(1));
        assertThat(driver.getKeyValueStore(StoreNames.JOB_VMS).get("job-1/vm-lin")).isNull();
        assertThat(audit().readValuesToList()).singleElement()
                .satisfies(a -> assertThat(a.getDetail()).contains("1 VM(s)", "COMPLETED", "ended more than 7 days ago"));
    }

    @Test
    void shouldRefuseARequestWhoseKeyIsNotItsIdWithoutStoringAJob() {
        estate.vm("vm-a");
        seedInventory();

        requests().pipeInput("other-key", Estate.request("job-3", "vm-a").build());

        List<TestRecord<String, StatusEvent>> statuses = status().readRecordsToList();
        assertThat(lastJobState(statuses)).isEqualTo(JobState.REJECTED);
        assertThat(statuses.get(statuses.size() - 1).value().getJob().getReasons())
                .extracting(r -> r.getCode()).containsExactly(ReasonCode.INVALID_FIELD);
        assertThat(claims().isEmpty()).isTrue();
        assertThat(driver.<String, Object>getKeyValueStore(StoreNames.JOBS).get("job-3")).isNull();
    }

    @Test
    void shouldDeadLetterTheInputWhoseOutputTheTopicsCantTakeInsteadOfStopping() {
        byte[] input = "the request that made it".getBytes(StandardCharsets.UTF_8);
        var context = new SourceRecordContext(Topics.ORCHESTRATOR_INPUTS.name(), 2, 7L, "job-big".getBytes(StandardCharsets.UTF_8), input);
        var output = new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(Topics.STATUS.name(), new byte[0], new byte[0]);
        DeadLetterHandler handler = new DeadLetterHandler();

        var tooLarge = handler.handleError(context, output, new org.apache.kafka.common.errors.RecordTooLargeException("too large"));
        var unencodable = handler.handleSerializationError(context, output, new org.apache.kafka.common.errors.SerializationException("over 1 MiB"),
                org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        var brokerGone = handler.handleError(context, output, new org.apache.kafka.common.errors.TimeoutException("no broker"));

        for (var response : List.of(tooLarge, unencodable)) {
            assertThat(response.result()).isEqualTo(org.apache.kafka.streams.errors.ProductionExceptionHandler.Result.RESUME);
            assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
                assertThat(dead.topic()).isEqualTo(Topics.ORCHESTRATOR_DLT.name());
                assertThat(dead.value()).isEqualTo(input);
                assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.ORCHESTRATOR_INPUTS.name());
                assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("7");
            });
        }
        assertThat(brokerGone.result()).as("any other failure fails the transaction: nothing is claimed that was not written")
                .isEqualTo(org.apache.kafka.streams.errors.ProductionExceptionHandler.Result.FAIL);
    }

    /** Where the record being processed came from, as Kafka Streams tells its handlers. */
    private record SourceRecordContext(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements org.apache.kafka.streams.errors.ErrorHandlerContext {
        @Override
        public org.apache.kafka.common.header.Headers headers() {
            return new org.apache.kafka.common.header.internals.RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "jobs";
        }

        @Override
        public org.apache.kafka.streams.processor.TaskId taskId() {
            return new org.apache.kafka.streams.processor.TaskId(1, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }
    }

    @Test
    void shouldSendAnUnreadableRecordToTheDeadLetterTopicWithItsErrorAndGoOn() {
        estate.vm("vm-a");
        seedInventory();
        byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);

        driver.createInputTopic(Topics.REQUESTS.name(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput("job-bad", garbage);
        requests().pipeInput("job-4", Estate.request("job-4", "vm-a").build());

        // TopologyTestDriver drops the handler's dead-letter records (the real runtime sends them in the task's
        // transaction; the broker integration test reads them back): here, the handler's answer is checked.
        var response = new DeadLetterHandler().handleError(null,
                new org.apache.kafka.clients.consumer.ConsumerRecord<>(Topics.REQUESTS.name(), 3, 42L,
                        "job-bad".getBytes(StandardCharsets.UTF_8), garbage),
                new io.failback.schemas.UnreadableRecordException(io.failback.schemas.UnreadableRecordException.Problem.NOT_SINGLE_OBJECT_ENCODED, Topics.REQUESTS.name(), "no marker", null));
        assertThat(response.result()).isEqualTo(org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result.RESUME);
        var dead = response.deadLetterQueueRecords();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).topic()).isEqualTo(Topics.ORCHESTRATOR_DLT.name());
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("job-bad");
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REQUESTS.name());
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.PROBLEM)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.SERVICE)).isEqualTo("orchestrator-service");
        assertThat(vcenterCommands().readRecordsToList()).as("the next request is processed")
                .extracting(r -> r.value().getJobId()).contains("job-4");
    }

    @Test
    void shouldResendAnUnansweredCheckOnTheWallClockThenRejectTheVmWhenItNeverAnswers() {
        estate.vm("vm-a");
        seedInventory();
        requests().pipeInput("job-5", Estate.request("job-5", "vm-a").build());
        List<VcenterCommand> first = vcenterCommands().readValuesToList();
        assertThat(first).isNotEmpty();
        VcenterCommand check = first.get(0);
        for (AzureCommand c : azureCommands().readValuesToList()) { // only the vCenter check stays unanswered
            input(Topics.AZURE_EVENTS).pipeInput(c.getJobId(), World.okFor(c));
        }

        driver.advanceWallClockTime(settings.vcenterStepTimeout().plus(TICK));
        List<VcenterCommand> resent = vcenterCommands().readValuesToList();

        assertThat(resent).extracting(VcenterCommand::getCommandId).contains(check.getCommandId());

        for (int i = 1; i < settings.maxAttempts(); i++) {
            driver.advanceWallClockTime(settings.vcenterStepTimeout().plus(TICK));
        }
        List<TestRecord<String, StatusEvent>> statuses = status().readRecordsToList();
        StatusEvent lastVm = lastVm(statuses, "vm-a");
        // a vCenter that never answers the preflight check is a vCenter that is not connected (rule 6)
        assertThat(lastVm.getVm().getState()).isEqualTo(VmState.REJECTED);
        assertThat(lastVm.getVm().getReasons()).extracting(r -> r.getCode()).containsExactly(ReasonCode.VCENTER_NOT_CONNECTED);
        assertThat(lastJobState(statuses)).isEqualTo(JobState.REJECTED);
    }

    // ------------------------------------------------------------------ plumbing

    /** Plays both agents and the replication engine: answers every command sent so far with success, until none is left. */
    /** Requests job-1 for {@code vmIds}, answers every command, then commits it and answers again. */
    private void runJobAndCommit(String... vmIds) {
        requests().pipeInput("job-1", Estate.request("job-1", vmIds).build());
        answerEveryCommand();
        commitJob();
    }

    /** An operator's COMMIT of job-1, every command it leads to answered. */
    private void commitJob() {
        control().pipeInput("job-1", new ControlCommand("c-1", "job-1", ControlAction.COMMIT, "ops@example.org",
                Instant.ofEpochMilli(Estate.T0), null));
        answerEveryCommand();
    }

    private void answerEveryCommand() {
        TestOutputTopic<String, VcenterCommand> vc = vcenterCommands();
        TestOutputTopic<String, AzureCommand> az = azureCommands();
        TestOutputTopic<String, io.failback.messages.ReplicationCommand> rc = output(Topics.REPLICATION_COMMANDS);
        for (int round = 0; round < 100; round++) {
            List<VcenterCommand> v = vc.readValuesToList();
            List<AzureCommand> a = az.readValuesToList();
            List<io.failback.messages.ReplicationCommand> r = rc.readValuesToList();
            if (v.isEmpty() && a.isEmpty() && r.isEmpty()) {
                return;
            }
            for (io.failback.messages.ReplicationCommand c : r) {
                input(Topics.REPLICATION_EVENTS).pipeInput(c.getJobId(), World.okFor(c));
            }
            for (VcenterCommand c : v) {
                vcenterSent.add(c);
                input(Topics.VCENTER_EVENTS).pipeInput(c.getJobId(), World.okFor(c));
            }
            for (AzureCommand c : a) {
                azureSent.add(c);
                input(Topics.AZURE_EVENTS).pipeInput(c.getJobId(), World.okFor(c));
            }
        }
        throw new AssertionError("the agents were still being asked after 100 rounds");
    }

    /** The steps commanded for a VM, in the order of the sequence numbers in their command ids. */
    private List<Step> steps(String vmId) {
        List<String> ids = new ArrayList<>();
        vcenterSent.stream().filter(c -> c.getVmId().equals(vmId)).forEach(c -> ids.add(c.getCommandId()));
        azureSent.stream().filter(c -> c.getVmId().equals(vmId)).forEach(c -> ids.add(c.getCommandId()));
        return ids.stream().distinct().sorted((x, y) -> Integer.compare(seq(x), seq(y))).map(World::stepOf).collect(Collectors.toList());
    }

    private static int seq(String commandId) {
        String[] parts = commandId.split(":");
        return Integer.parseInt(parts[parts.length - 2]);
    }

    private void seedInventory() {
        TestInputTopic<String, InventoryRecord> inventory = input(Topics.INVENTORY);
        estate.items.forEach((vm, item) -> inventory.pipeInput(InventoryKeys.item(vm), new InventoryRecord(item)));
        estate.heartbeats.forEach((cs, hb) -> inventory.pipeInput(InventoryKeys.configServer(cs), new InventoryRecord(hb)));
        TestInputTopic<String, RecoveryPoint> points = input(Topics.RECOVERY_POINTS);
        estate.points.forEach((vm, list) -> list.forEach(p -> points.pipeInput(InventoryKeys.recoveryPoint(vm, p.getPointId()), p)));
    }

    private static JobState lastJobState(List<TestRecord<String, StatusEvent>> statuses) {
        return last(statuses, e -> e.getJob() != null).getJob().getState();
    }

    private static VmState lastVmState(List<TestRecord<String, StatusEvent>> statuses, String vmId) {
        return lastVm(statuses, vmId).getVm().getState();
    }

    private static StatusEvent lastVm(List<TestRecord<String, StatusEvent>> statuses, String vmId) {
        return last(statuses, e -> e.getVm() != null && e.getVm().getVmId().equals(vmId));
    }

    private static StatusEvent last(List<TestRecord<String, StatusEvent>> statuses, Predicate<StatusEvent> which) {
        List<StatusEvent> matching = statuses.stream().map(TestRecord::value).filter(which).collect(Collectors.toList());
        assertThat(matching).as("status events").isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                Instant.ofEpochMilli(Estate.T0), Duration.ZERO);
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    private TestInputTopic<String, FailbackRequest> requests() {
        return input(Topics.REQUESTS);
    }

    private TestInputTopic<String, ControlCommand> control() {
        return input(Topics.CONTROL);
    }

    private TestOutputTopic<String, VcenterCommand> vcenterCommands() {
        return output(Topics.VCENTER_COMMANDS);
    }

    private TestOutputTopic<String, AzureCommand> azureCommands() {
        return output(Topics.AZURE_COMMANDS);
    }

    private TestOutputTopic<String, VmClaim> claims() {
        return output(Topics.VM_CLAIMS);
    }

    private TestOutputTopic<String, StatusEvent> status() {
        return output(Topics.STATUS);
    }

    private TestOutputTopic<String, io.failback.messages.AuditRecord> audit() {
        return output(Topics.AUDIT);
    }
}
