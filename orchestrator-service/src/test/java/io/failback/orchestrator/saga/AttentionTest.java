package io.failback.orchestrator.saga;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmState;
import org.junit.jupiter.api.Test;

import static io.failback.messages.Step.ATTACH_TO_ON_PREMISES_VM;
import static io.failback.messages.Step.DELETE_AZURE_VM;
import static io.failback.messages.Step.ROLLBACK_ATTACH_TO_MASTER_TARGET;
import static io.failback.messages.Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM;
import static io.failback.messages.Step.ROLLBACK_RESUME_REPLICATION;
import static io.failback.messages.Step.ROLLBACK_START_AZURE_VM;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 6: a rollback step that still fails after its attempts leaves the VM in NEEDS_ATTENTION with the
 * step and why, and an operator's RETRY runs the rest of the rollback again, never deleting anything.
 */
class AttentionTest {

    private static final Set<Step> VCENTER_UNDO = Set.of(ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET);

    /** The vCenter answers nothing while frozen (every undo it is asked for times out); the VMs named fail their attach. */
    private static final class FrozenVcenter {
        boolean frozen = true;
        final Set<String> attachFails;

        FrozenVcenter(String... attachFails) {
            this.attachFails = Set.of(attachFails);
        }

        Object answer(World.Sent s) {
            if (frozen && VCENTER_UNDO.contains(s.step())) {
                return null;
            }
            return s.step() == ATTACH_TO_ON_PREMISES_VM && attachFails.contains(s.vmId())
                    ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);
        }
    }

    /** Until every attempt of the frozen undo step has timed out. */
    private static void waitOutEveryAttempt(World w) {
        w.advanceAndSettle(Duration.ofMinutes(3), 4);
    }

    @Test
    void shouldWaitForAnOperatorWithTheStepAndWhyWhenARollbackStepTimesOutAfterItsAttempts() {
        // given a failback whose attach fails, rolling back while the vCenter is frozen
        World w = new World(new Estate().vm("a"));
        FrozenVcenter vcenter = new FrozenVcenter("a");
        w.agents = vcenter::answer;
        w.failBack(Estate.request("job-1", "a").build());

        // when the first undo step goes unanswered through all its attempts
        waitOutEveryAttempt(w);

        // then the VM waits for an operator at that step, with why, still claimed by the job
        VmJob vm = w.vm("job-1", "a");
        assertThat(vm.state()).isEqualTo(VmState.NEEDS_ATTENTION);
        assertThat(vm.step()).isEqualTo(ROLLBACK_DETACH_FROM_ON_PREMISES_VM);
        assertThat(vm.pending()).isEmpty();
        assertThat(vm.deadline()).isZero();
        Reason why = vm.reasons().get(vm.reasons().size() - 1);
        assertThat(why.code()).isEqualTo(ReasonCode.ROLLBACK_FAILED);
        assertThat(why.message()).contains("ROLLBACK_DETACH_FROM_ON_PREMISES_VM", "STEP_TIMEOUT", "3 attempt(s)",
                "ROLLBACK_START_AZURE_VM", "failbackctl retry job-1 --vm a");
        assertThat(w.claimHolders).containsEntry("a", "job-1");
        assertThat(w.lastStatus("a").getState()).isEqualTo(VmState.NEEDS_ATTENTION);
        assertThat(w.lastStatus("a").getStep()).isEqualTo(ROLLBACK_DETACH_FROM_ON_PREMISES_VM);
        assertThat(w.all.audits).filteredOn(a -> "a".equals(a.getVmId()) && a.getAction().equals("VM NEEDS_ATTENTION"))
                .singleElement().extracting(AuditRecord::getDetail).asString()
                .contains("ROLLBACK_DETACH_FROM_ON_PREMISES_VM failed", "STEP_TIMEOUT");
        // and the job says what an operator must fix, without ending
        assertThat(w.jobState()).isEqualTo(JobState.NEEDS_ATTENTION);
        assertThat(w.job("job-1").isFinished()).isFalse();
        assertThat(w.lastJobStatus("job-1").getReasons()).extracting(io.failback.messages.Reason::getCode)
                .contains(ReasonCode.NEEDS_ATTENTION);
        assertThat(w.lastJobStatus("job-1").getReasons().get(w.lastJobStatus("job-1").getReasons().size() - 1).getMessage())
                .contains("1 VM(s)", "failbackctl retry job-1");
    }

    @Test
    void shouldTryAFailingUndoStepAgainUnderNewIdsThenWaitForAnOperator() {
        // given an undo step the vCenter refuses every time
        World w = new World(new Estate().vm("a"));
        w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM || s.step() == ROLLBACK_DETACH_FROM_ON_PREMISES_VM
                ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

        // when the failback rolls back
        w.failBack(Estate.request("job-1", "a").build());

        // then the step was tried its three attempts, each under a new id, before the VM stopped
        assertThat(w.allCommands).filteredOn(s -> s.step() == ROLLBACK_DETACH_FROM_ON_PREMISES_VM)
                .extracting(World.Sent::commandId).doesNotHaveDuplicates().hasSize(w.settings.maxAttempts());
        assertThat(w.vmState("a")).isEqualTo(VmState.NEEDS_ATTENTION);
        assertThat(w.vm("job-1", "a").reasons().get(w.vm("job-1", "a").reasons().size() - 1).message())
                .contains("rollback stopped at ROLLBACK_DETACH_FROM_ON_PREMISES_VM: STEP_FAILED", "TASK_FAILED");
    }

    @Test
    void shouldFinishTheRollbackWithoutAnOperatorWhenAFailedUndoPassesOnItsNextTry() {
        // given an undo step that fails once
        World w = new World(new Estate().vm("a"));
        int[] failures = {0};
        w.agents = s -> s.step() == ATTACH_TO_ON_PREMISES_VM || s.step() == ROLLBACK_DETACH_FROM_ON_PREMISES_VM && failures[0]++ == 0
                ? World.result(s, VcenterResultCode.TASK_FAILED) : World.ok(s);

        // when the failback rolls back
        w.failBack(Estate.request("job-1", "a").build());

        // then
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
    }

    @Test
    void shouldRollBackWhenRetriedAfterTheVcenterThaws() {
        // given a VM that needs attention after its undo timed out
        World w = new World(new Estate().vm("a"));
        FrozenVcenter vcenter = new FrozenVcenter("a");
        w.agents = vcenter::answer;
        w.failBack(Estate.request("job-1", "a").build());
        waitOutEveryAttempt(w);
        Set<String> before = w.commandsPerId().keySet();
        w.outstanding.clear(); // the frozen vCenter's never-sent answers

        // when the vCenter thaws and the operator retries
        vcenter.frozen = false;
        w.retry("job-1", null);
        w.settle();

        // then the rest of the rollback runs, with new command ids, and the job ends rolled back
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
        List<World.Sent> retried = w.allCommands.stream().filter(s -> !before.contains(s.commandId())).toList();
        assertThat(retried).extracting(World.Sent::step)
                .containsExactly(ROLLBACK_DETACH_FROM_ON_PREMISES_VM, ROLLBACK_ATTACH_TO_MASTER_TARGET, ROLLBACK_RESUME_REPLICATION,
                        ROLLBACK_START_AZURE_VM);
        assertThat(w.claimHolders).doesNotContainKey("a");
        assertThat(w.all.audits).anyMatch(a -> a.getKind() == AuditKind.DECISION && a.getAction().equals("retry accepted"));
    }

    @Test
    void shouldRetryOnlyTheVmItNames() {
        // given two VMs of one job, both stopped in their rollback
        World w = new World(new Estate().vm("a").vm("b"));
        FrozenVcenter vcenter = new FrozenVcenter("a", "b");
        w.agents = vcenter::answer;
        w.failBack(Estate.request("job-1", "a", "b").build());
        waitOutEveryAttempt(w);
        assertThat(w.vmState("a")).isEqualTo(VmState.NEEDS_ATTENTION);
        assertThat(w.vmState("b")).isEqualTo(VmState.NEEDS_ATTENTION);
        w.outstanding.clear();

        // when the operator retries only b
        vcenter.frozen = false;
        w.retry("job-1", "b");
        w.settle();

        // then b rolls back, a still waits, and so does the job
        assertThat(w.vmState("b")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.vmState("a")).isEqualTo(VmState.NEEDS_ATTENTION);
        assertThat(w.jobState()).isEqualTo(JobState.NEEDS_ATTENTION);

        // and a retry of a then ends the job
        w.retry("job-1", "a");
        w.settle();
        assertThat(w.vmState("a")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.jobState()).isEqualTo(JobState.ROLLED_BACK);
    }

    @Test
    void shouldNeverDeleteAnythingOnARetry() {
        // given a job whose VM a was committed (its Azure VM deleted) while b's rollback stopped
        World w = new World(new Estate().vm("a").vm("b"));
        FrozenVcenter vcenter = new FrozenVcenter("b");
        w.agents = vcenter::answer;
        w.failBack(Estate.request("job-1", "a", "b").build());
        waitOutEveryAttempt(w);
        assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        w.control("job-1", io.failback.messages.ControlAction.COMMIT);
        w.settle();
        assertThat(w.vmState("a")).isEqualTo(VmState.COMMITTED);
        assertThat(w.jobState()).isEqualTo(JobState.NEEDS_ATTENTION);
        long deletesBefore = w.allCommands.stream().filter(s -> s.step() == DELETE_AZURE_VM).count();
        w.outstanding.clear();

        // when every VM needing attention is retried
        vcenter.frozen = false;
        Outbox retry = w.retry("job-1", null);
        w.settle();

        // then only undo steps ran: no Azure VM was deleted, a stays committed, b rolled back
        assertThat(retry.azureCommands).noneMatch(c -> c.getOperation() instanceof io.failback.messages.DeleteAzureVm);
        assertThat(w.allCommands.stream().filter(s -> s.step() == DELETE_AZURE_VM).count()).isEqualTo(deletesBefore).isEqualTo(1);
        assertThat(w.vmState("a")).isEqualTo(VmState.COMMITTED);
        assertThat(w.vmState("b")).isEqualTo(VmState.ROLLED_BACK);
        assertThat(w.jobState()).isEqualTo(JobState.PARTIALLY_COMPLETED);
    }

    @Test
    void shouldRefuseARetryWhenNothingNeedsAttention() {
        // given a job awaiting commit, nothing stopped
        World w = new World(new Estate().vm("a"));
        w.failBack(Estate.request("job-1", "a").build());
        assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);

        // when the operator retries the job, a VM of it, and a VM not in it
        Outbox whole = w.retry("job-1", null);
        Outbox one = w.retry("job-1", "a");
        Outbox stranger = w.retry("job-1", "zz");

        // then each is refused with its reason, and nothing is sent or changed
        assertThat(refusal(whole)).isEqualTo(ReasonCode.NOTHING_NEEDS_ATTENTION);
        assertThat(refusal(one)).isEqualTo(ReasonCode.NOTHING_NEEDS_ATTENTION);
        assertThat(refusal(stranger)).isEqualTo(ReasonCode.UNKNOWN_VM);
        for (Outbox o : List.of(whole, one, stranger)) {
            assertThat(o.vcenterCommands).isEmpty();
            assertThat(o.azureCommands).isEmpty();
            assertThat(o.audits).anyMatch(a -> a.getKind() == AuditKind.REFUSAL && a.getAction().equals("RETRY refused"));
        }
        assertThat(w.jobState()).isEqualTo(JobState.AWAITING_COMMIT);
        assertThat(w.vmState("a")).isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
    }

    private static ReasonCode refusal(Outbox o) {
        return o.statuses.get(o.statuses.size() - 1).getJob().getReasons().get(0).getCode();
    }
}
