package io.failback.orchestrator.streams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.Reason;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.schemas.AvroSerde;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import io.failback.state.PendingCommand;
import io.failback.state.StoredJob;
import io.failback.state.StoredTarget;
import io.failback.state.StoredVmJob;
import io.failback.state.VmStateCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stored form of the saga's state, below the mapping to the saga's classes: what the version before
 * the state schema stored (the fixtures under {@code state/}, written by that version's StateSerde) loads
 * field by field, is rewritten as Avro, and anything else is refused by name.
 */
class LegacyStateJsonTest {

    private static final String CHANGELOG = "failback-orchestrator-jobs-changelog";
    private static final String SUBSCRIPTION = "/subscriptions/0000-1111/resourceGroups/rg-failover/providers/";

    static byte[] fixture(String name) {
        try (InputStream in = LegacyStateJsonTest.class.getResourceAsStream("/state/" + name)) {
            assertThat(in).as("test resource state/%s", name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldLoadAJobStoredByThePreviousVersionWithEveryField() {
        // given a job header the previous version stored, every field set
        byte[] stored = fixture("v0-job.json");

        // when this version reads it
        StoredJob job = StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, stored);

        // then every field holds what was stored
        assertThat(job).isEqualTo(StoredJob.newBuilder().setJobId("job-7f3c2a91").setRequestedBy("ops.alice@corp.example")
                .setPlanId("plan-erp-prod")
                .setRequestSummary("plan=plan-erp-prod point=LATEST_APP_CONSISTENT commit=AUTO_COMMIT/600 reprotect=ps-02")
                .setPointKind(RecoveryPointKind.LATEST_APP_CONSISTENT).setCommitPolicy(CommitPolicyKind.AUTO_COMMIT)
                .setCommitDelaySeconds(600).setReprotectProcessServer("ps-02.corp.example").setState(JobState.AWAITING_COMMIT)
                .setTotalVms(5).setGroupCount(3).setCurrentGroup(3).setGroupWaiting(List.of(0, 1, 2))
                .setGroupFailed(List.of(1, 0, 1))
                .setCounts(List.of(new VmStateCount(VmState.FAILING_BACK, 2),
                        new VmStateCount(VmState.FAILED_BACK_AWAITING_COMMIT, 2), new VmStateCount(VmState.ROLLED_BACK, 1)))
                .setBlockedAtGroup(2).setTimerAt(1764481234567L).setCancelRequested(true).setCommitted(true)
                .setReasons(List.of(new Reason(ReasonCode.DEPENDENCY_GROUP_FAILED, "group 2 failed: db01 did not power on"),
                        new Reason(ReasonCode.STEP_TIMEOUT, "app02: ATTACH_TO_ON_PREMISES_VM timed out after 300 s")))
                .setCreatedAt(1764480000123L).build());
    }

    @Test
    void shouldLoadAVmJobStoredByThePreviousVersionWithEveryField() {
        // given a VM's part of a job the previous version stored, every field set
        byte[] stored = fixture("v0-vmjob.json");

        // when this version reads it
        StoredVmJob vm = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, stored);

        // then every field holds what was stored, the pending commands in the order they were sent
        assertThat(vm).isEqualTo(fullVmJob());
    }

    @Test
    void shouldLoadARefusedRequestAndARefusedVmWithTheirNullsAndEmptyLists() {
        // given what the previous version stored for a request refused by validation and a VM refused in preflight
        byte[] job = fixture("v0-job-rejected.json");
        byte[] vm = fixture("v0-vmjob-rejected.json");

        // when this version reads them
        StoredJob readJob = StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, job);
        StoredVmJob readVm = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, vm);

        // then the nulls stay null and the empty lists empty
        assertThat(readJob).isEqualTo(StoredJob.newBuilder().setJobId("job-rq-0042").setRequestedBy("ops.carol@corp.example")
                .setPlanId(null).setRequestSummary("vms=[web01, web01] plan=null point=LATEST commit=MANUAL/0 reprotect=-")
                .setPointKind(RecoveryPointKind.LATEST).setCommitPolicy(CommitPolicyKind.MANUAL).setCommitDelaySeconds(0)
                .setReprotectProcessServer(null).setState(JobState.REJECTED).setTotalVms(0).setGroupCount(0).setCurrentGroup(1)
                .setGroupWaiting(List.of()).setGroupFailed(List.of()).setCounts(List.of()).setBlockedAtGroup(0).setTimerAt(0)
                .setCancelRequested(false).setCommitted(false)
                .setReasons(List.of(new Reason(ReasonCode.INVALID_FIELD, "vmIds: web01 is listed twice")))
                .setCreatedAt(1764480100456L).build());
        assertThat(readVm).isEqualTo(StoredVmJob.newBuilder().setJobId("job-7f3c2a91").setVmId("vm-web02").setGroup(1)
                .setState(VmState.REJECTED).setStep(Step.CHECK_INVENTORY)
                .setTarget(new StoredTarget("vc01.corp.example", "mt01", "web02-onprem", List.of("[datastore1] mt01/web02_1.vmdk"),
                        SUBSCRIPTION + "Microsoft.Compute/virtualMachines/web02", "rg-failover", false, null))
                .setPoint(null).setReasons(List.of(new Reason(ReasonCode.NO_RECOVERY_POINT, "no recovery point for vm-web02")))
                .setPending(List.of()).setClaimAnswered(true).setClaimed(false).setSequence(0).setAttempts(0).setDeadline(0)
                .setCompensations(List.of()).setCancelRequested(false).setRollbackReason(null).setPoweredOnVerified(false)
                .setDisksVerified(false).setReprotectUntil(0).setReprotectRefusals(0).setAzureDiskIds(List.of())
                .setAzureNicIds(List.of()).build());
    }

    @Test
    void shouldLoadAVmJobStoredBeforeAzureDisksAndNicsWereRecordedWithNoneOfThem() {
        // given a VM stored by a version older still, before the Azure disk and NIC ids were fields
        String older = new String(fixture("v0-vmjob.json"), StandardCharsets.UTF_8)
                .replaceAll(",\"azureDiskIds\":\\[[^]]*]", "").replaceAll(",\"azureNicIds\":\\[[^]]*]", "");
        assertThat(older).doesNotContain("azureDiskIds", "azureNicIds").contains("vm-db01");

        // when this version reads it
        StoredVmJob vm = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, older.getBytes(StandardCharsets.UTF_8));

        // then the VM has no ids to delete, as that version's reader gave it, and everything else was kept
        assertThat(vm).isEqualTo(StoredVmJob.newBuilder(fullVmJob()).setAzureDiskIds(List.of()).setAzureNicIds(List.of()).build());
    }

    @Test
    void shouldRewriteARecordOfThePreviousVersionAsAvroThatReadsBackTheSame() {
        // given a job and a VM the previous version stored, read by this version
        StoredJob job = StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, fixture("v0-job.json"));
        StoredVmJob vm = StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, fixture("v0-vmjob.json"));

        // when they are stored again
        byte[] jobBytes = StateSerde.STORED_JOB.serializer().serialize(CHANGELOG, job);
        byte[] vmBytes = StateSerde.STORED_VM.serializer().serialize(CHANGELOG, vm);

        // then they are Avro single-object encoded, and read back equal
        assertThat(jobBytes).startsWith(0xC3, 0x01);
        assertThat(vmBytes).startsWith(0xC3, 0x01);
        assertThat(StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, jobBytes)).isEqualTo(job);
        assertThat(StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, vmBytes)).isEqualTo(vm);
    }

    static Stream<Arguments> recordsThePreviousVersionCouldNotHaveWritten() {
        String vm = new String(fixture("v0-vmjob.json"), StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("an unknown field", vm.replace("\"sequence\":17", "\"sequence\":17,\"priority\":3")),
                Arguments.of("a string for a number", vm.replace("\"group\":2", "\"group\":\"two\"")),
                Arguments.of("a null for a number", vm.replace("\"attempts\":3", "\"attempts\":null")),
                Arguments.of("an unknown state", vm.replace("\"state\":\"ROLLING_BACK\"", "\"state\":\"EXPLODED\"")),
                Arguments.of("a step by its index", vm.replace("\"step\":\"ROLLBACK_DETACH_FROM_ON_PREMISES_VM\"", "\"step\":3")),
                Arguments.of("no job id", vm.replace("\"jobId\":\"job-7f3c2a91\"", "\"jobId\":null")),
                Arguments.of("a null undo step", vm.replace("\"compensations\":[", "\"compensations\":[null,")),
                Arguments.of("a null reason", vm.replace("\"reasons\":[", "\"reasons\":[null,")),
                Arguments.of("a target without its vCenter", vm.replace("\"vCenter\":\"vc01.corp.example\",", "")),
                Arguments.of("a cut record", vm.substring(0, vm.length() / 2)),
                Arguments.of("bytes after the record", vm + "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordsThePreviousVersionCouldNotHaveWritten")
    void shouldRefuseByNameAJsonRecordThePreviousVersionCouldNotHaveWritten(String what, String json) {
        // given a JSON record in a store that no version wrote
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        // when this version reads it, then it is refused by name, saying which record and store it was
        assertThatThrownBy(() -> StateSerde.STORED_VM.deserializer().deserialize(CHANGELOG, bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_DATUM);
                    assertThat(e.topic()).isEqualTo(CHANGELOG);
                    assertThat(e.getMessage()).contains("stored VmJob in the JSON of the version before the state schema");
                });
    }

    static Stream<Arguments> corruptRecords() {
        byte[] job = StateSerde.STORED_JOB.serializer().serialize(CHANGELOG,
                StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, fixture("v0-job.json")));
        byte[] request = AvroSerde.of(FailbackRequest.class).serialize("failback.requests", FailbackRequest.newBuilder()
                .setRequestId("r-1").setRequestedBy("ops").setRequestedAt(Instant.EPOCH).setVmIds(List.of("vm-1")).build());
        byte[] otherFingerprint = job.clone();
        otherFingerprint[5] ^= 0x5a;
        return Stream.of(
                Arguments.of("no bytes", new byte[0], Problem.EMPTY),
                Arguments.of("neither Avro nor that JSON", "job-7f3c2a91 AWAITING_COMMIT".getBytes(StandardCharsets.UTF_8),
                        Problem.NOT_SINGLE_OBJECT_ENCODED),
                Arguments.of("a schema this version does not know", otherFingerprint, Problem.UNKNOWN_SCHEMA_FINGERPRINT),
                Arguments.of("a record of another type", request, Problem.UNKNOWN_SCHEMA_FINGERPRINT),
                Arguments.of("a cut Avro record", java.util.Arrays.copyOf(job, job.length - 7), Problem.CORRUPT_DATUM),
                Arguments.of("an oversized JSON record", ("{\"jobId\":\"" + "x".repeat(AvroSerde.MAX_RECORD_BYTES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8), Problem.TOO_LARGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptRecords")
    void shouldRefuseACorruptOrUnknownStoredJobByName(String what, byte[] bytes, Problem expected) {
        // given bytes in the job store that are no job this or the previous version stored
        // when this version reads them, then they are refused with the problem named
        assertThatThrownBy(() -> StateSerde.STORED_JOB.deserializer().deserialize(CHANGELOG, bytes))
                .isInstanceOfSatisfying(UnreadableRecordException.class, e -> {
                    assertThat(e.problem()).isEqualTo(expected);
                    assertThat(e.topic()).isEqualTo(CHANGELOG);
                });
    }

    private static StoredVmJob fullVmJob() {
        return StoredVmJob.newBuilder().setJobId("job-7f3c2a91").setVmId("vm-db01").setGroup(2).setState(VmState.ROLLING_BACK)
                .setStep(Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM)
                .setTarget(new StoredTarget("vc01.corp.example", "mt01", "db01-onprem",
                        List.of("[datastore1] mt01/db01_1.vmdk", "[datastore2] mt01/db01_2.vmdk"),
                        SUBSCRIPTION + "Microsoft.Compute/virtualMachines/db01", "rg-failover", true, "ps-02.corp.example"))
                .setPoint(new ChosenRecoveryPoint("rp-20261130-0412", Instant.ofEpochMilli(1764475920000L),
                        Consistency.APP_CONSISTENT, "mvc-erp-0412", 4080123L))
                .setReasons(List.of(new Reason(ReasonCode.STEP_FAILED, "power on failed: \"vmx\" missing"),
                        new Reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback after 600 s")))
                .setPending(List.of(new PendingCommand("cmd-9a1-detach", Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM),
                        new PendingCommand("cmd-9a2-check", Step.CHECK_VCENTER)))
                .setClaimAnswered(true).setClaimed(true).setSequence(17).setAttempts(3).setDeadline(1764481500000L)
                .setCompensations(List.of(Step.ROLLBACK_START_AZURE_VM, Step.ROLLBACK_ATTACH_TO_MASTER_TARGET,
                        Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM))
                .setCancelRequested(true)
                .setRollbackReason(new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by ops.bob@corp.example"))
                .setPoweredOnVerified(true).setDisksVerified(true).setReprotectUntil(1764484800000L).setReprotectRefusals(2)
                .setAzureDiskIds(List.of(SUBSCRIPTION + "Microsoft.Compute/disks/db01-os",
                        SUBSCRIPTION + "Microsoft.Compute/disks/db01-data0"))
                .setAzureNicIds(List.of(SUBSCRIPTION + "Microsoft.Network/networkInterfaces/db01-nic0"))
                .build();
    }
}
