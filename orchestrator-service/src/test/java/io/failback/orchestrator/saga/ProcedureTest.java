package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

/** The procedure table and the allowed state changes, read as an operator reads the procedure. */
class ProcedureTest {

    private static final Target WINDOWS = new Target("vc", "mt", "vm-a", List.of("d0"), "/az/a", "rg", true, "ps");
    private static final Target LINUX = new Target("vc", "mt", "vm-b", List.of("d0"), "/az/b", "rg", false, "ps");

    @Test
    void shouldDeclareEveryStepOnceInTheTable() {
        // given every step the messages know, "none" aside
        EnumSet<Step> steps = EnumSet.complementOf(EnumSet.of(Step.NONE));

        // when the table is read
        List<Step> declared = Procedure.table().stream().map(Procedure.Row::step).toList();

        // then each step is declared exactly once
        assertThat(declared).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(steps);
    }

    @Test
    void shouldListTheStepsInTheOrderOfTheProcedure() {
        // when the table is read top to bottom
        List<Step> declared = Procedure.table().stream().map(Procedure.Row::step).toList();

        // then it reads like the source document: preflight, failover from Azure, commit, reprotect, then the undos
        assertThat(declared).containsExactly(Step.CHECK_INVENTORY, Step.CHECK_AZURE_VM, Step.CHECK_VCENTER,
                Step.SHUT_DOWN_AZURE_VM, Step.PREPARE_FAILBACK, Step.PREPARE_FINAL_POINT, Step.CREATE_ON_PREMISES_VM, Step.POWER_OFF_ON_PREMISES_VM,
                Step.DETACH_FROM_MASTER_TARGET, Step.ATTACH_TO_ON_PREMISES_VM, Step.ENABLE_VMWARE_TOOLS, Step.POWER_ON_ON_PREMISES_VM,
                Step.DELETE_AZURE_VM, Step.REPROTECT, Step.ROLLBACK_POWER_OFF, Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM,
                Step.ROLLBACK_ATTACH_TO_MASTER_TARGET, Step.ROLLBACK_DESTROY_CREATED_VM, Step.ROLLBACK_RESUME_REPLICATION,
                Step.ROLLBACK_START_AZURE_VM);
    }

    @Test
    void shouldReEnableVmwareToolsOnlyOnWindowsAndReprotectOnlyWhenAsked() {
        // given a Windows VM in a job asking for reprotect, and a Linux VM in a job that doesn't
        Job reprotecting = job("ps-1");
        Job plain = job(null);

        // when each follows the table from the Azure shutdown
        List<Step> windows = walk(reprotecting, vm(WINDOWS), Step.SHUT_DOWN_AZURE_VM);
        List<Step> linux = walk(plain, vm(LINUX), Step.SHUT_DOWN_AZURE_VM);

        // then only the Windows VM re-enables its tools, and each stops where the operator must commit
        assertThat(windows).containsExactly(Step.SHUT_DOWN_AZURE_VM, Step.PREPARE_FAILBACK, Step.POWER_OFF_ON_PREMISES_VM,
                Step.DETACH_FROM_MASTER_TARGET, Step.ATTACH_TO_ON_PREMISES_VM, Step.ENABLE_VMWARE_TOOLS,
                Step.POWER_ON_ON_PREMISES_VM);
        assertThat(linux).containsExactly(Step.SHUT_DOWN_AZURE_VM, Step.PREPARE_FAILBACK, Step.POWER_OFF_ON_PREMISES_VM,
                Step.DETACH_FROM_MASTER_TARGET, Step.ATTACH_TO_ON_PREMISES_VM, Step.POWER_ON_ON_PREMISES_VM);
        assertThat(Procedure.doneAfter(Step.POWER_ON_ON_PREMISES_VM)).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        // and after commit, reprotect follows the delete only when the job asked for it
        assertThat(walk(reprotecting, vm(WINDOWS), Step.DELETE_AZURE_VM)).containsExactly(Step.DELETE_AZURE_VM, Step.REPROTECT);
        assertThat(walk(plain, vm(LINUX), Step.DELETE_AZURE_VM)).containsExactly(Step.DELETE_AZURE_VM);
        assertThat(Procedure.doneAfter(Step.DELETE_AZURE_VM)).isEqualTo(VmState.COMMITTED);
        assertThat(Procedure.doneAfter(Step.REPROTECT)).isEqualTo(VmState.REPROTECTED);
    }

    @Test
    void shouldUndoEveryChangeOnPremisesAndInAzureInReverseOrder() {
        // when the undo of each step of the failover is taken, latest first
        List<Step> undos = new ArrayList<>();
        List<Step> forward = walk(job(null), vm(LINUX), Step.SHUT_DOWN_AZURE_VM);
        for (int i = forward.size() - 1; i >= 0; i--) {
            Step undo = Procedure.of(forward.get(i)).undo();
            if (undo != Step.NONE) {
                undos.add(undo);
            }
        }

        // then the rollback runs in the table's order: power off, disks back to the master target, replication
        // resumed, Azure VM on
        assertThat(undos).containsExactly(Step.ROLLBACK_POWER_OFF, Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM,
                Step.ROLLBACK_ATTACH_TO_MASTER_TARGET, Step.ROLLBACK_RESUME_REPLICATION, Step.ROLLBACK_START_AZURE_VM);
        assertThat(undos).allSatisfy(u -> assertThat(Procedure.of(u).during()).isEqualTo(VmState.ROLLING_BACK));
    }

    @Test
    void shouldTimeEachStepByItsAgent() {
        SagaSettings s = SagaSettings.defaults();
        assertThat(Procedure.timeout(Step.SHUT_DOWN_AZURE_VM, s)).isEqualTo(s.azureStepTimeout());
        assertThat(Procedure.timeout(Step.DETACH_FROM_MASTER_TARGET, s)).isEqualTo(s.vcenterStepTimeout());
        assertThat(Procedure.timeout(Step.REPROTECT, s)).isEqualTo(s.replicationStepTimeout());
        assertThat(Procedure.table()).filteredOn(r -> r.agent() != Procedure.Agent.ORCHESTRATOR)
                .allSatisfy(r -> assertThat(r.command().apply(vm(WINDOWS))).isNotNull());
    }

    @Test
    void shouldRefuseAVmChangeTheTransitionsDoNotAllow() {
        // given a VM rolled back
        VmJob rolledBack = vm(LINUX).withState(VmState.READY).withState(VmState.ROLLING_BACK).withState(VmState.ROLLED_BACK);

        // when something tries to power it on again, or to commit a VM still in preflight
        // then each is refused by name
        assertThatThrownBy(() -> rolledBack.withState(VmState.FAILING_BACK))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("ROLLED_BACK to FAILING_BACK");
        assertThatThrownBy(() -> vm(LINUX).withState(VmState.COMMITTING))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("PREFLIGHT to COMMITTING");
    }

    @Test
    void shouldRefuseAJobChangeTheTransitionsDoNotAllow() {
        // given a job that completed
        Job completed = job(null).withState(JobState.RUNNING).withState(JobState.AWAITING_COMMIT)
                .withState(JobState.COMMITTING).withState(JobState.COMPLETED);

        // then it can't be rolled back, and a job in preflight can't be committed
        assertThatThrownBy(() -> completed.withState(JobState.ROLLING_BACK))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("COMPLETED to ROLLING_BACK");
        assertThatThrownBy(() -> job(null).withState(JobState.COMMITTING)).isInstanceOf(IllegalTransitionException.class);
        assertThat(Transitions.allowedFrom(JobState.COMPLETED)).isEmpty();
        assertThat(Transitions.allowedFrom(VmState.REPROTECTED)).isEmpty();
    }

    private static List<Step> walk(Job job, VmJob vm, Step first) {
        List<Step> steps = new ArrayList<>();
        for (Step s = first; s != Step.NONE; s = Procedure.next(s, job, vm)) {
            steps.add(s);
        }
        return steps;
    }

    private static Job job(String reprotectProcessServer) {
        return Job.requested("job-1", "ops", null, "", RecoveryPointKind.LATEST, CommitPolicyKind.MANUAL, 0,
                reprotectProcessServer, 0);
    }

    private static VmJob vm(Target target) {
        return VmJob.start("job-1", target.onPremisesVm(), 1).withTarget(target)
                .withPoint(new ChosenPoint("rp-1", 0, io.failback.messages.Consistency.APP_CONSISTENT, null, 0));
    }
}
