package io.failback.orchestrator.streams;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.ChosenPoint;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.Reason;
import io.failback.orchestrator.saga.Target;
import io.failback.orchestrator.saga.VmJob;
import io.failback.schemas.AvroSerde;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import io.failback.messages.state.PendingCommand;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredVmJob;
import io.failback.messages.state.VmStateCount;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.failback.orchestrator.streams.LegacyStateJsonTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The saga's state through the stores' serdes: what the previous version stored loads into the saga's
 * records field by field, every field survives a round trip through the Avro state schema, and a record
 * that is neither is refused by name.
 */
class StateSerdeTest {

    private static final String JOBS = "failback-orchestrator-jobs-changelog";
    private static final String VMS = "failback-orchestrator-job-vms-changelog";
    private static final String SUBSCRIPTION = "/subscriptions/0000-1111/resourceGroups/rg-failover/providers/";

    static Stream<Arguments> storedByThePreviousVersion() {
        return Stream.of(
                Arguments.of("v0-job.json", StateSerde.JOB, new Job("job-7f3c2a91", "ops.alice@corp.example", "plan-erp-prod",
                        "plan=plan-erp-prod point=LATEST_APP_CONSISTENT commit=AUTO_COMMIT/600 reprotect=ps-02",
                        RecoveryPointKind.LATEST_APP_CONSISTENT, CommitPolicyKind.AUTO_COMMIT, 600, "ps-02.corp.example",
                        JobState.AWAITING_COMMIT, 5, 3, 3, List.of(0, 1, 2), List.of(1, 0, 1),
                        Map.of(VmState.FAILED_BACK_AWAITING_COMMIT, 2, VmState.ROLLED_BACK, 1, VmState.FAILING_BACK, 2), 2,
                        1764481234567L, true, true,
                        List.of(new Reason(ReasonCode.DEPENDENCY_GROUP_FAILED, "group 2 failed: db01 did not power on"),
                                new Reason(ReasonCode.STEP_TIMEOUT, "app02: ATTACH_TO_ON_PREMISES_VM timed out after 300 s")),
                        1764480000123L)),
                Arguments.of("v0-vmjob.json", StateSerde.VM, new VmJob("job-7f3c2a91", "vm-db01", 2, VmState.ROLLING_BACK,
                        Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM,
                        new Target("vc01.corp.example", "mt01", "db01-onprem",
                                List.of("[datastore1] mt01/db01_1.vmdk", "[datastore2] mt01/db01_2.vmdk"),
                                SUBSCRIPTION + "Microsoft.Compute/virtualMachines/db01", "rg-failover", true, "ps-02.corp.example"),
                        new ChosenPoint("rp-20261130-0412", 1764475920000L, Consistency.APP_CONSISTENT, "mvc-erp-0412", 4080123L),
                        List.of(new Reason(ReasonCode.STEP_FAILED, "power on failed: \"vmx\" missing"),
                                new Reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback after 600 s")),
                        Map.of("cmd-9a1-detach", Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM, "cmd-9a2-check", Step.CHECK_VCENTER),
                        true, true, 17, 3, 1764481500000L,
                        List.of(Step.ROLLBACK_START_AZURE_VM, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET,
                                Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM),
                        true, new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by ops.bob@corp.example"), true, true,
                        1764484800000L, 2,
                        List.of(SUBSCRIPTION + "Microsoft.Compute/disks/db01-os", SUBSCRIPTION + "Microsoft.Compute/disks/db01-data0"),
                        List.of(SUBSCRIPTION + "Microsoft.Network/networkInterfaces/db01-nic0"), null, 0, false)),
                Arguments.of("v0-job-rejected.json", StateSerde.JOB, new Job("job-rq-0042", "ops.carol@corp.example", null,
                        "vms=[web01, web01] plan=null point=LATEST commit=MANUAL/0 reprotect=-", RecoveryPointKind.LATEST,
                        CommitPolicyKind.MANUAL, 0, null, JobState.REJECTED, 0, 0, 1, List.of(), List.of(), Map.of(), 0, 0, false,
                        false, List.of(new Reason(ReasonCode.INVALID_FIELD, "vmIds: web01 is listed twice")), 1764480100456L)),
                Arguments.of("v0-vmjob-rejected.json", StateSerde.VM, new VmJob("job-7f3c2a91", "vm-web02", 1, VmState.REJECTED, Step.CHECK_INVENTORY,
                        new Target("vc01.corp.example", "mt01", "web02-onprem", List.of("[datastore1] mt01/web02_1.vmdk"),
                                SUBSCRIPTION + "Microsoft.Compute/virtualMachines/web02", "rg-failover", false, null),
                        null, List.of(new Reason(ReasonCode.NO_RECOVERY_POINT, "no recovery point for vm-web02")), Map.of(), true,
                        false, 0, 0, 0, List.of(), false, null, false, false, 0, 0, List.of(), List.of(), null, 0, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storedByThePreviousVersion")
    void shouldLoadWhatThePreviousVersionStoredIntoTheSagaWithEveryField(String fixture, Serde<Object> serde, Object expected) {
        // given a job header or a VM the previous version stored: every field set, or a refused request or VM with its nulls
        byte[] stored = fixture(fixture);

        // when a restarted orchestrator of this version loads it
        Object loaded = serde.deserializer().deserialize(JOBS, stored);

        // then the saga gets back every field, and what was not there is still not there
        assertThat(loaded).isEqualTo(expected);
    }

    @Test
    void shouldLoadTheCommandsThePreviousVersionStoredAsPendingInTheOrderSent() {
        // when a VM stored by the previous version with two commands pending is loaded
        VmJob loaded = StateSerde.VM.deserializer().deserialize(VMS, fixture("v0-vmjob.json"));

        // then its commands are in the order sent, which re-sends follow
        assertThat(loaded.pending().keySet()).containsExactly("cmd-9a1-detach", "cmd-9a2-check");
    }

    static Stream<Arguments> sagaStates() {
        Map<VmState, Integer> counts = new LinkedHashMap<>();
        counts.put(VmState.ROLLED_BACK, 1);
        counts.put(VmState.FAILING_BACK, 0);
        counts.put(VmState.COMMITTED, 4);
        return Stream.of(
                Arguments.of("a job, every field set, a state counted at zero", StateSerde.JOB, new Job("job-1", "ops@example.org",
                        "plan-erp", "plan=plan-erp", RecoveryPointKind.LATEST_APP_CONSISTENT, CommitPolicyKind.AUTO_ROLLBACK, 900,
                        "ps-9", JobState.ROLLING_BACK, 5, 2, 2, List.of(0, 3), List.of(2, 0), counts, 1, 1_790_000_900_000L, true,
                        true, List.of(new Reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback"), new Reason(ReasonCode.STEP_FAILED, "x")),
                        1_790_000_000_000L)),
                Arguments.of("a job, nothing optional set", StateSerde.JOB, new Job("job-2", "ops", null, "vms=[a]",
                        RecoveryPointKind.LATEST, CommitPolicyKind.MANUAL, 0, null, JobState.PREFLIGHT, 0, 0, 1, List.of(), List.of(),
                        Map.of(), 0, 0, false, false, List.of(), 0)),
                Arguments.of("a job, each flag and number told apart", StateSerde.JOB, new Job("job-3", "ops", "plan-x", "plan=plan-x",
                        RecoveryPointKind.AFTER_SHUTDOWN, CommitPolicyKind.AUTO_COMMIT, 600, null, JobState.AWAITING_COMMIT, 9, 3,
                        2, List.of(4, 0, 1), List.of(0, 2, 0), counts, 1, 5L, false, true, List.of(), 7L, "auto-commit",
                        List.of("ctl-1", "ctl-2"))),
                Arguments.of("a job ended, when it ended told apart from when it was asked", StateSerde.JOB, new Job("job-4", "ops",
                        null, "vms=[a]", RecoveryPointKind.LATEST, CommitPolicyKind.AUTO_COMMIT, 0, null, JobState.COMPLETED, 1, 1,
                        1, List.of(0), List.of(0), Map.of(VmState.COMMITTED, 1), 0, 0L, false, true, List.of(), 7L, "auto-commit",
                        List.of(), 1_790_000_123_456L)),
                Arguments.of("a VM, each flag and number told apart", StateSerde.VM, new VmJob("job-3", "vm-9", 3, VmState.COMMITTING,
                        Step.DELETE_AZURE_VM, null, new ChosenPoint("rp-1", 11L, Consistency.APP_CONSISTENT, null, 13L), List.of(),
                        Map.of("cmd-1", Step.DELETE_AZURE_VM), true, false, 11, 2, 100L, List.of(Step.ROLLBACK_START_AZURE_VM), false,
                        null, true, false, 200L, 5, List.of(), List.of(), new ChosenPoint("rp-2", 17L, Consistency.CRASH_CONSISTENT,
                        "cg-2", 19L), 300L, true)),
                Arguments.of("a VM, every field set", StateSerde.VM, vmWithTwoCommandsPending()),
                Arguments.of("a VM, nothing optional set", StateSerde.VM, new VmJob("job-2", "vm-gone", 1, VmState.PREFLIGHT,
                        Step.CHECK_INVENTORY, new Target("vc", "mt", "vm", List.of(), "/sub/vm", "rg", false, null),
                        new ChosenPoint("rp-1", 0, Consistency.APP_CONSISTENT, null, 0), List.of(), Map.of(), false, false,
                        0, 0, 0, List.of(), false, null, false, false, 0, 0, List.of(), List.of(), null, 0, false)),
                Arguments.of("a VM with no target and no point", StateSerde.VM, new VmJob("job-2", "vm-new", 1, VmState.REJECTED,
                        Step.CHECK_INVENTORY, null, null, List.of(new Reason(ReasonCode.NOT_IN_INVENTORY, "gone")), Map.of(), true,
                        false, 0, 0, 0, List.of(), false, null, false, false, 0, 0, List.of(), List.of(), null, 0, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sagaStates")
    void shouldStoreTheSagasStateAsAvroAndLoadEveryFieldBack(String what, Serde<Object> serde, Object state) {
        // when the saga's record is stored and loaded again
        byte[] bytes = serde.serializer().serialize(JOBS, state);
        Object loaded = serde.deserializer().deserialize(JOBS, bytes);

        // then it was written in the state schema's single-object encoding, and every field came back
        assertThat(bytes).startsWith(0xC3, 0x01);
        assertThat(loaded).isEqualTo(state);
    }

    @Test
    void shouldLoadAVmsPendingCommandsInTheOrderTheyWereSent() {
        // given a VM with two commands pending, the later one first in id order
        VmJob vm = vmWithTwoCommandsPending();

        // when it is stored and loaded again
        VmJob loaded = StateSerde.VM.deserializer().deserialize(VMS, StateSerde.VM.serializer().serialize(VMS, vm));

        // then the commands are in the order sent, which re-sends follow
        assertThat(loaded.pending().keySet()).containsExactly("cmd-z-vcenter", "cmd-a-azure");
    }

    private static VmJob vmWithTwoCommandsPending() {
        Map<String, Step> pending = new LinkedHashMap<>();
        pending.put("cmd-z-vcenter", Step.CHECK_VCENTER);
        pending.put("cmd-a-azure", Step.CHECK_AZURE_VM);
        return new VmJob("job-1", "vm-web01", 2, VmState.FAILING_BACK, Step.ATTACH_TO_ON_PREMISES_VM,
                new Target("vc-east", "mt-01", "web01", List.of("[ds1] mt-01/web01_0.vmdk", "[ds1] mt-01/web01_1.vmdk"),
                        "/sub/vm/web01", "rg-dr", true, "ps-1", "42a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b",
                        List.of(new io.failback.messages.DiskPlacement("[ds1] mt-01/web01_0.vmdk", io.failback.messages.DiskControllerType.SCSI, 0, 0),
                                new io.failback.messages.DiskPlacement("[ds1] mt-01/web01_1.vmdk", io.failback.messages.DiskControllerType.SATA, 0, 1)),
                        new io.failback.messages.AlternateLocation("vc-east", "DC0", "DC0_C0", "DC0_C0_H0", "Prod/Web", "LocalDS_0",
                                "Recovered", "VM Network", "web01-recovered"),
                        new io.failback.messages.MachineShape(4, 8192, io.failback.messages.Firmware.EFI, "windows9Server64Guest"), true),
                new ChosenPoint("rp-9", 1_789_999_000_123L, Consistency.CRASH_CONSISTENT, "cg-7", 1_000_877L),
                List.of(new Reason(ReasonCode.STEP_TIMEOUT, "slow")), pending, true, true, 9, 2, 1_790_000_300_000L,
                List.of(Step.ROLLBACK_START_AZURE_VM, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET), true,
                new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancel"), true, true, 1_790_003_600_000L, 3,
                List.of("/sub/disks/os", "/sub/disks/data"), List.of("/sub/nics/0"),
                new ChosenPoint("rp-9", 1_789_999_000_123L, Consistency.CRASH_CONSISTENT, "cg-7", 7_000L), 1_790_000_000_000L, true);
    }

    @Test
    void shouldStoreAPreviousVersionRecordAsAvroOnceTheSagaWritesItBack() {
        // given a VM the previous version stored, loaded by this version
        VmJob vm = StateSerde.VM.deserializer().deserialize(VMS, fixture("v0-vmjob.json"));

        // when the saga stores it again
        byte[] bytes = StateSerde.VM.serializer().serialize(VMS, vm);

        // then it is Avro now, and loads the same
        assertThat(bytes).startsWith(0xC3, 0x01);
        assertThat(StateSerde.VM.deserializer().deserialize(VMS, bytes)).isEqualTo(vm);
    }

    static Stream<Arguments> unreadableJobs() {
        StoredJob stored = StateSerde.STORED_JOB.deserializer().deserialize(JOBS, fixture("v0-job.json"));
        StoredJob countedTwice = StoredJob.newBuilder(stored).setCounts(List.of(new VmStateCount(VmState.ROLLED_BACK, 1),
                new VmStateCount(VmState.ROLLED_BACK, 2))).build();
        byte[] vm = StateSerde.VM.serializer().serialize(VMS, StateSerde.VM.deserializer().deserialize(VMS, fixture("v0-vmjob.json")));
        byte[] job = StateSerde.STORED_JOB.serializer().serialize(JOBS, stored);
        byte[] otherSchema = job.clone();
        otherSchema[5] ^= 0x5a;
        return Stream.of(
                Arguments.of("no bytes", new byte[0], Problem.EMPTY),
                Arguments.of("text that is no stored form", "job-1 RUNNING".getBytes(StandardCharsets.UTF_8),
                        Problem.NOT_SINGLE_OBJECT_ENCODED),
                Arguments.of("a schema this version does not know", otherSchema, Problem.UNKNOWN_SCHEMA_FINGERPRINT),
                Arguments.of("a cut Avro record", Arrays.copyOf(job, job.length - 7), Problem.CORRUPT_DATUM),
                Arguments.of("an oversized JSON record", ("{\"jobId\":\"" + "x".repeat(AvroSerde.MAX_RECORD_BYTES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8), Problem.TOO_LARGE),
                Arguments.of("a VM in the job store", vm, Problem.UNKNOWN_SCHEMA_FINGERPRINT),
                Arguments.of("a state counted twice", StateSerde.STORED_JOB.serializer().serialize(JOBS, countedTwice),
                        Problem.CORRUPT_DATUM),
                Arguments.of("previous-version JSON with an unknown field",
                        new String(fixture("v0-job.json"), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"owner\":\"x\",")
                                .getBytes(StandardCharsets.UTF_8), Problem.CORRUPT_DATUM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableJobs")
    void shouldRefuseAJobRecordThatIsCorruptOrUnknownByName(String what, byte[] bytes, Problem expected) {
        // given bytes in the job store that no version stored as a job
        // when the orchestrator loads them, then they are refused with the problem and the store's topic named
        assertThatThrownBy(() -> StateSerde.JOB.deserializer().deserialize(JOBS, bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(expected);
                    assertThat(e.topic()).isEqualTo(JOBS);
                });
    }

    @Test
    void shouldRefuseAVmRecordWithACommandPendingTwiceByName() {
        // given a stored VM whose pending commands name one command twice, which no saga writes
        StoredVmJob stored = StoredVmJob.newBuilder(StateSerde.STORED_VM.deserializer().deserialize(VMS, fixture("v0-vmjob.json")))
                .setPending(List.of(new PendingCommand("cmd-1", Step.CHECK_VCENTER), new PendingCommand("cmd-1", Step.CHECK_AZURE_VM)))
                .build();
        byte[] bytes = StateSerde.STORED_VM.serializer().serialize(VMS, stored);

        // when it is loaded, then it is refused by name
        assertThatThrownBy(() -> StateSerde.VM.deserializer().deserialize(VMS, bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_DATUM);
                    assertThat(e.getMessage()).contains("stored VmJob", "cmd-1 is pending twice");
                });
    }

    @Test
    void shouldRefuseToStoreAJobWithoutItsIdNamingTheField() {
        // given a job whose id is missing, which the schema requires
        Job job = new Job(null, "ops", null, "vms=[a]", RecoveryPointKind.LATEST, CommitPolicyKind.MANUAL, 0, null,
                JobState.PREFLIGHT, 0, 0, 1, List.of(), List.of(), Map.of(), 0, 0, false, false, List.of(), 0);

        // when it is stored, then the store refuses it, naming the field
        assertThatThrownBy(() -> StateSerde.JOB.serializer().serialize(JOBS, job))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot store Job").hasMessageContaining("jobId");
    }

    @Test
    void shouldKeepTombstonesNull() {
        assertThat(StateSerde.JOB.serializer().serialize(JOBS, null)).isNull();
        assertThat(StateSerde.VM.deserializer().deserialize(VMS, null)).isNull();
    }
}
