package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.failback.messages.AzurePowerState;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.AzureVmState;
import io.failback.messages.Consistency;
import io.failback.messages.DisksChanged;
import io.failback.messages.FailbackPrepared;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OsType;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an agent's result keeps once bounded ({@link Intake#bound}): a result within the bounds comes through with every
 * field as it was, field by field by name; free text beyond them is escaped and cut, machine values cut, lists limited.
 */
class IntakeBoundsTest {

    private static final Instant AT = Instant.ofEpochMilli(1_790_000_123_456L);

    @Test
    void shouldKeepEveryFieldOfAnAzureResultWithinTheBounds() {
        // given an Azure result with every field set, each to a value of its own
        AzureResult r = AzureResult.newBuilder().setCommandId("cmd-1").setJobId("job-1").setVmId("vm-1")
                .setCode(AzureResultCode.CONFLICT).setArmCode("OperationNotAllowed").setMessage("busy").setCompletedAt(AT)
                .setOutcome(AzureVmState.newBuilder().setExists(true).setResourceGroup("rg-dr").setPowerState(AzurePowerState.STOPPING)
                        .setManagedDiskIds(List.of("/disks/os", "/disks/data")).setNetworkInterfaceIds(List.of("/nics/0")).build())
                .build();

        // when it is bounded, then it is the same, field for field
        AzureResult bounded = Intake.bound(r);
        assertThat(bounded).isEqualTo(r);
        assertFieldsByName(bounded, Map.of("commandId", "cmd-1", "jobId", "job-1", "vmId", "vm-1", "code", AzureResultCode.CONFLICT,
                "armCode", "OperationNotAllowed", "message", "busy", "completedAt", AT));
        assertThat(bounded.getOutcome().getResourceGroup()).isEqualTo("rg-dr");
        assertThat(bounded.getOutcome().getManagedDiskIds()).containsExactly("/disks/os", "/disks/data");
        assertThat(bounded.getOutcome().getNetworkInterfaceIds()).containsExactly("/nics/0");
    }

    @Test
    void shouldEscapeCutAndLimitAnAzureResultBeyondTheBounds() {
        // given an Azure result whose text, ids and lists go beyond what any real one holds
        List<String> disks = IntStream.range(0, 300).mapToObj(i -> "/disks/" + i).toList();
        AzureResult r = new AzureResult("c".repeat(2_000), "job-1", "vm-1", AzureResultCode.FAILED, "A".repeat(150),
                "line one\nline two " + "x".repeat(600), AT,
                new AzureVmState(true, "g".repeat(1_500), AzurePowerState.RUNNING, disks, List.of("/nics/0")));

        // when it is bounded
        AzureResult bounded = Intake.bound(r);

        // then the free text is escaped and cut, the machine values cut, the lists limited
        assertThat(bounded.getCommandId()).startsWith("c".repeat(1_024)).endsWith("...(+976 chars)");
        assertThat(bounded.getArmCode()).isEqualTo("A".repeat(100) + "...(+50 chars)");
        assertThat(bounded.getMessage()).startsWith("line one\\nline two ").doesNotContain("\n").endsWith("chars)");
        assertThat(bounded.getOutcome().getResourceGroup()).endsWith("...(+476 chars)");
        assertThat(bounded.getOutcome().getManagedDiskIds()).hasSize(Intake.MAX_RESULT_LIST).startsWith("/disks/0");
        assertThat(bounded.getCode()).isEqualTo(AzureResultCode.FAILED);
        assertThat(bounded.getCompletedAt()).isEqualTo(AT);
    }

    @Test
    void shouldKeepEveryFieldOfAVcenterResultWithinTheBounds() {
        // given vCenter results with every field set, with each kind of outcome the saga reads
        for (Object outcome : List.of(new MasterTargetInspected(true, 2, List.of("[ds1] mt/a.vmdk"), OsType.WINDOWS, "windows9Server64Guest",
                        new OnPremisesVmInspected(true, "web01", false, List.of("disk 1 moved")), List.of("no such folder")),
                new DisksChanged(List.of("[ds1] web01/a.vmdk")), new VmPowerState(io.failback.messages.PowerState.POWERED_ON))) {
            VcenterResult r = VcenterResult.newBuilder().setCommandId("cmd-2").setJobId("job-2").setVmId("vm-2")
                    .setCode(VcenterResultCode.INVALID_STATE).setMessage("why").setCompletedAt(AT).setOutcome(outcome).build();

            // when it is bounded, then it is the same, field for field
            VcenterResult bounded = Intake.bound(r);
            assertThat(bounded).isEqualTo(r);
            assertFieldsByName(bounded, Map.of("commandId", "cmd-2", "jobId", "job-2", "vmId", "vm-2",
                    "code", VcenterResultCode.INVALID_STATE, "message", "why", "completedAt", AT, "outcome", outcome));
        }
    }

    @Test
    void shouldLimitTheListsOfAVcenterInspectionBeyondTheBounds() {
        // given an inspection listing more disks and problems than any real master target has
        List<String> many = Collections.nCopies(400, "[ds1] mt/x.vmdk");
        VcenterResult r = new VcenterResult("cmd-3", "job-3", "vm-3", VcenterResultCode.OK, "", AT,
                new MasterTargetInspected(true, 0, many, null, "guest\u202e", new OnPremisesVmInspected(true, "n", true, many), many));

        // when it is bounded, then each list is limited and the guest id escaped
        MasterTargetInspected bounded = (MasterTargetInspected) Intake.bound(r).getOutcome();
        assertThat(bounded.getAttachedReplicaDisks()).hasSize(Intake.MAX_RESULT_LIST);
        assertThat(bounded.getAlternateLocationProblems()).hasSize(Intake.MAX_RESULT_LIST);
        assertThat(bounded.getOnPremisesVm().getLayoutProblems()).hasSize(Intake.MAX_RESULT_LIST);
        assertThat(bounded.getMasterTargetGuestId()).isEqualTo("guest\\u202e");
    }

    @Test
    void shouldKeepEveryFieldOfAReplicationResultWithinTheBoundsAndCutItsPointId() {
        // given a replication result with every field set
        FailbackPrepared prepared = new FailbackPrepared("rp-7", AT, Consistency.APP_CONSISTENT);
        ReplicationResult r = new ReplicationResult("cmd-4", "job-4", "vm-4", ReplicationResultCode.POINT_EXPIRED, "pruned", AT, prepared);

        // when it is bounded, then it is the same, field for field
        ReplicationResult bounded = Intake.bound(r);
        assertThat(bounded).isEqualTo(r);
        assertFieldsByName(bounded, Map.of("commandId", "cmd-4", "jobId", "job-4", "vmId", "vm-4",
                "code", ReplicationResultCode.POINT_EXPIRED, "message", "pruned", "completedAt", AT, "outcome", prepared));

        // and a point id beyond the bounds is cut
        ReplicationResult longId = new ReplicationResult("cmd-4", "job-4", "vm-4", ReplicationResultCode.OK, "", AT,
                new FailbackPrepared("p".repeat(1_100), AT, Consistency.CRASH_CONSISTENT));
        assertThat(Intake.bound(longId).getOutcome().getPointId()).endsWith("...(+76 chars)");
    }

    /** Each of {@code expected}'s fields, looked up by its name in the record's schema, holds the value given. */
    private static void assertFieldsByName(SpecificRecord record, Map<String, Object> expected) {
        expected.forEach((name, value) -> assertThat(record.get(record.getSchema().getField(name).pos())).as(name).isEqualTo(value));
    }
}
