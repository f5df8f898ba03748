package io.failback.orchestrator.saga;

import java.util.List;
import java.util.function.UnaryOperator;

import io.failback.messages.AttachDisks;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.JobState;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OnPremisesVmToCheck;
import io.failback.messages.OsType;
import io.failback.messages.PowerOffVm;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

import static io.failback.messages.Step.ATTACH_TO_ON_PREMISES_VM;
import static io.failback.messages.Step.CHECK_AZURE_VM;
import static io.failback.messages.Step.CHECK_VCENTER;
import static io.failback.messages.Step.DELETE_AZURE_VM;
import static io.failback.messages.Step.ROLLBACK_ATTACH_TO_MASTER_TARGET;
import static io.failback.messages.Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM;
import static io.failback.messages.Step.ROLLBACK_RESUME_REPLICATION;
import static io.failback.messages.Step.ROLLBACK_START_AZURE_VM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 items 3 and 5: the preflight checks the on-premises side before anything changes (the VM by its
 * instance UUID, powered off, room for the disks at their original places, the master target's OS family),
 * and the attach keeps the disks' original layout or fails the VM with a named reason.
 */
class OnPremisesChecksTest {

    /** The vcenter-agent's preflight answer, changed by {@code change}; every other command answered OK. */
    private static World answering(Estate estate, UnaryOperator<MasterTargetInspected.Builder> change) {
        World w = new World(estate);
        w.agents = s -> s.step() == CHECK_VCENTER ? VcenterResult.newBuilder((VcenterResult) World.ok(s))
                .setOutcome(change.apply(MasterTargetInspected.newBuilder(World.inspection((InspectMasterTarget) s.operation()))).build())
                .build() : World.ok(s);
        return w;
    }

    private static OnPremisesVmInspected found(boolean poweredOff, List<String> layoutProblems) {
        return new OnPremisesVmInspected(true, "a-onprem", poweredOff, layoutProblems);
    }

    private static void assertRefusedAtPreflightWithNothingChanged(World w, ReasonCode... expected) {
        assertThat(w.vmState("a")).isEqualTo(VmState.REJECTED);
        assertThat(w.reasonCodes("a")).containsExactlyInAnyOrder(expected);
        assertThat(w.jobState()).isEqualTo(JobState.REJECTED);
        assertThat(w.stepsOf("a")).as("only the preflight questions; the Azure VM is never shut down")
                .containsExactlyInAnyOrder(CHECK_AZURE_VM, CHECK_VCENTER);
        assertThat(w.claimHolders).isEmpty();
    }

    @Test
    void shouldAskVcenterAboutTheOnPremisesVmByItsInstanceUuidWithTheLayoutAndOsFamily() {
        // given a Windows VM whose protected item carries its on-premises instance UUID and disk layout
        World w = new World(new Estate().windows("a").onPremisesKnown("a"));

        // when it fails back
        w.failBack(Estate.request("job-1", "a").build());

        // then the preflight question names the VM by UUID, with the layout and the OS family to match
        OnPremisesVmToCheck asked = w.allCommands.stream().filter(s -> s.step() == CHECK_VCENTER)
                .map(s -> ((InspectMasterTarget) s.operation()).getOnPremisesVm()).findFirst().orElseThrow();
        assertThat(asked.getInstanceUuid()).isEqualTo(Estate.instanceUuid("a"));
        assertThat(asked.getOsType()).isEqualTo(OsType.WINDOWS);
        assertThat(asked.getDiskLayout()).extracting(DiskPlacement::getUnitNumber).containsExactly(0, 1);
        // and every later command on the on-premises VM finds it by the same UUID; the attach carries the layout
        assertThat(w.allCommands).filteredOn(s -> s.operation() instanceof PowerOffVm)
                .allMatch(s -> Estate.instanceUuid("a").equals(((PowerOffVm) s.operation()).getInstanceUuid()));
        AttachDisks attach = (AttachDisks) w.allCommands.stream().filter(s -> s.step() == ATTACH_TO_ON_PREMISES_VM)
                .findFirst().orElseThrow().operation();
        assertThat(attach.getInstanceUuid()).isEqualTo(Estate.instanceUuid("a"));
        assertThat(attach.getLayout()).containsExactlyElementsOf(w.estate.item("a").getDiskLayout());
        assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
    }

    @Test
    void shouldRefuseAtPreflightWhenTheOnPremisesVmNoLongerExists() {
        // given vCenter has no VM with the item's instance UUID (it was deleted)
        World w = answering(new Estate().vm("a").onPremisesKnown("a"),
                b -> b.setOnPremisesVm(new OnPremisesVmInspected(false, "", false, List.of())));

        // when it fails back
        w.failBack(Estate.request("job-1", "a").build());

        // then it is refused before the Azure VM is touched, with the UUID in the reason
        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.ON_PREMISES_VM_NOT_FOUND);
        assertThat(w.lastStatus("a").getReasons().get(0).getMessage()).contains(Estate.instanceUuid("a"));
    }

    @Test
    void shouldRefuseAtPreflightWhenTheOnPremisesVmIsPoweredOn() {
        World w = answering(new Estate().vm("a").onPremisesKnown("a"), b -> b.setOnPremisesVm(found(false, List.of())));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.ON_PREMISES_VM_NOT_POWERED_OFF);
    }

    @Test
    void shouldRefuseAtPreflightWhenTheOnPremisesVmHasNoRoomForTheDisksAtTheirPlaces() {
        World w = answering(new Estate().vm("a").onPremisesKnown("a"),
                b -> b.setOnPremisesVm(found(true, List.of("[ds1] mt-01/a_0.vmdk: SCSI 0:0 is taken by [ds1] a/os.vmdk"))));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.NO_ROOM_FOR_REPLICA_DISKS);
        assertThat(w.lastStatus("a").getReasons().get(0).getMessage()).contains("SCSI 0:0 is taken by [ds1] a/os.vmdk");
    }

    @Test
    void shouldRefuseAtPreflightALinuxVmWhoseMasterTargetRunsWindows() {
        World w = answering(new Estate().vm("a").onPremisesKnown("a"),
                b -> b.setMasterTargetOsFamily(OsType.WINDOWS).setMasterTargetGuestId("windows9Server64Guest"));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.MASTER_TARGET_OS_MISMATCH);
    }

    @Test
    void shouldRefuseAtPreflightAWindowsVmWhoseMasterTargetRunsNeitherFamily() {
        World w = answering(new Estate().windows("a").onPremisesKnown("a"),
                b -> b.setMasterTargetOsFamily(null).setMasterTargetGuestId("otherGuest64"));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.MASTER_TARGET_OS_MISMATCH);
        assertThat(w.lastStatus("a").getReasons().get(0).getMessage()).contains("otherGuest64");
    }

    @Test
    void shouldNameEveryBrokenOnPremisesRuleAtOnce() {
        World w = answering(new Estate().vm("a").onPremisesKnown("a"), b -> b.setMasterTargetOsFamily(OsType.WINDOWS)
                .setOnPremisesVm(found(false, List.of("[ds1] mt-01/a_1.vmdk: the VM has no SATA controller on bus 0"))));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.MASTER_TARGET_OS_MISMATCH,
                ReasonCode.ON_PREMISES_VM_NOT_POWERED_OFF, ReasonCode.NO_ROOM_FOR_REPLICA_DISKS);
    }

    @Test
    void shouldRefuseAtPreflightWhenTheAgentDidNotCheckTheOnPremisesVm() {
        // given a vcenter-agent older than the question: it answers about the master target only
        World w = answering(new Estate().vm("a").onPremisesKnown("a"), b -> b.setOnPremisesVm(null));

        w.failBack(Estate.request("job-1", "a").build());

        assertRefusedAtPreflightWithNothingChanged(w, ReasonCode.STEP_FAILED);
    }

    @Test
    void shouldRollBackWithANamedReasonWhenTheAttachCantKeepTheLayout() {
        // given the on-premises VM changed after preflight: the attach finds SCSI 0:0 taken and refuses
        World w = new World(new Estate().vm("a").onPremisesKnown("a"));
        w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM ? World.result(s, VcenterResultCode.LAYOUT_NOT_KEPT) : World.ok(s);

        // when it fails back
        w.failBack(Estate.request("job-1", "a").build());

        // then the VM is rolled back (the agent changed nothing on the on-premises VM), the reason named
        List<Step> steps = w.stepsOf("a");
        assertThat(steps.subList(steps.indexOf(ATTACH_TO_ON_PREMISES_VM) + 1, steps.size()))
                .containsExactly(ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION,
                        ROLLBACK_START_AZURE_VM);
        assertThat(steps).doesNotContain(DELETE_AZURE_VM);
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.DISK_LAYOUT_NOT_KEPT);
        assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
    }

    @Test
    void shouldKeepTheLayoutAndUuidOfAVmInTheStoredTarget() {
        World w = new World(new Estate().vm("a").onPremisesKnown("a"));

        w.failBack(Estate.request("job-1", "a").build());

        Target t = w.vm("job-1", "a").target();
        assertThat(t.onPremisesInstanceUuid()).isEqualTo(Estate.instanceUuid("a"));
        assertThat(t.diskLayout()).containsExactly(
                new DiskPlacement("[ds1] mt-01/a_0.vmdk", DiskControllerType.SCSI, 0, 0),
                new DiskPlacement("[ds1] mt-01/a_1.vmdk", DiskControllerType.SCSI, 0, 1));
    }

    @Test
    void shouldRefuseAnItemWhoseInstanceUuidOrLayoutHoldsControlCharactersAndSendNothing() {
        // given an inventory record with a hostile instance UUID, and one with a hostile disk in its layout
        Estate estate = new Estate().vm("a", b -> b.setOnPremisesInstanceUuid("5011\u001b[2J"))
                .vm("b", b -> b.setDiskLayout(List.of(new DiskPlacement("[ds1] b\n.vmdk", DiskControllerType.SCSI, 0, 0))));
        World w = new World(estate);

        // when they fail back
        w.failBack(Estate.request("job-1", "a", "b").build());

        // then both are refused as out of bounds, before any question to an agent
        assertThat(w.reasonCodes("a")).containsExactly(ReasonCode.INVALID_FIELD);
        assertThat(w.reasonCodes("b")).containsExactly(ReasonCode.INVALID_FIELD);
        assertThat(w.allCommands).isEmpty();
    }
}
