package io.failback.orchestrator.saga;

import java.util.Map;
import java.util.function.Supplier;

import io.failback.messages.AuditKind;
import io.failback.messages.ControlCommand;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;

/**
 * A rollback that can't go on by itself: a VM whose undo step still failed (or went unanswered) after its
 * attempts waits in NEEDS_ATTENTION with the step and why, keeping its claim, until an operator's RETRY runs its
 * remaining undo steps again with new command ids. A retry runs undo steps only, so it never deletes an Azure VM or a
 * disk; the one thing an undo step removes is an empty VM the failback itself created at an alternate location.
 */
final class Attention {

    // ================================================================== a rollback stops

    /**
     * An undo step answered with a failure on its {@code tries}-th try: sent again under a new id (it may well pass a
     * moment later, a vCenter busy or slow) until {@code maxTries}, then the VM stops for an operator.
     */
    static void undoFailed(Decision d, VmJob vm, Step step, Reason why, int tries, int maxTries, Supplier<VmJob> sendAgain) {
        if (tries >= maxTries) {
            stop(d, vm, step, why);
            return;
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "rollback step tried again", step + " failed (" + why.code() + ": "
                + why.message() + "); try " + (tries + 1) + " of " + maxTries);
        VmOutput.store(d, sendAgain.get().withAttempts(tries + 1));
    }

    /** {@code step} of {@code vm}'s rollback failed for good: the VM waits for an operator, nothing is forgotten. */
    static void stop(Decision d, VmJob vm, Step step, Reason why) {
        VmJob stuck = vm.withState(VmState.NEEDS_ATTENTION).withStep(step).withPending(Map.of()).withDeadline(0).withAttempts(0)
                .withReason(new Reason(ReasonCode.ROLLBACK_FAILED, "rollback stopped at " + step + ": " + why.code() + ": "
                        + why.message() + "; still to undo: " + vm.compensations() + "; fix the cause, then: failbackctl retry "
                        + vm.jobId() + " --vm " + vm.vmId()));
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "VM " + VmState.NEEDS_ATTENTION,
                step + " failed: " + why.code() + ": " + why.message() + "; still to undo " + vm.compensations());
        VmOutput.store(d, stuck);
    }

    /** What the job tells an operator when it stops with VMs needing attention. */
    static Reason jobReason(Job j) {
        return new Reason(ReasonCode.NEEDS_ATTENTION, j.count(VmState.NEEDS_ATTENTION) + " VM(s) stopped rolling back and"
                + " stay claimed by this job; each one's status names the step that failed and why. Fix that (for example"
                + " a vCenter that does not answer), then: failbackctl retry " + j.jobId());
    }

    // ================================================================== an operator's retry

    /** RETRY of {@code job}: {@code named} is the VM the command names (null when it names none or one not in the job). */
    Decision onRetry(Job job, VmJob named, ControlCommand control, long now) {
        Decision d = new Decision(job, now);
        Job j = d.working();
        d.audit(AuditKind.CONTROL, control.getVmId(), null, control.getRequestedBy(), control.getAction() + " received",
                control.getControlId());
        if (control.getVmId() != null && named == null) {
            JobSaga.refuse(d, control, ReasonCode.UNKNOWN_VM, "job " + j.jobId() + " has no VM " + control.getVmId());
            return d;
        }
        if (named != null && named.state() != VmState.NEEDS_ATTENTION) {
            JobSaga.refuse(d, control, ReasonCode.NOTHING_NEEDS_ATTENTION, "VM " + named.vmId() + " of job " + j.jobId()
                    + " is " + named.state() + ": it does not need attention, there is nothing to retry");
            return d;
        }
        if (j.count(VmState.NEEDS_ATTENTION) == 0) {
            JobSaga.refuse(d, control, ReasonCode.NOTHING_NEEDS_ATTENTION, "job " + j.jobId() + " is " + j.state()
                    + " and none of its VMs needs attention: there is nothing to retry");
            return d;
        }
        d.audit(AuditKind.DECISION, control.getVmId(), null, control.getRequestedBy(), "retry accepted",
                (named != null ? "VM " + named.vmId() : j.count(VmState.NEEDS_ATTENTION) + " VM(s)")
                        + " run their remaining undo steps again; no Azure VM and no disk is deleted");
        d.followup(new Followup(Followup.Kind.RETRY_ATTENTION, 0, null, control.getVmId()));
        d.jobStatus();
        return d;
    }

    /** Whether a retry follow-up concerns {@code vm}. */
    static boolean retries(VmJob vm, Followup f) {
        return vm.state() == VmState.NEEDS_ATTENTION && (f.vmId() == null || f.vmId().equals(vm.vmId()));
    }

    /**
     * {@code vm} rolling back again from the step that stopped it. Only undo steps are kept: a retry must never
     * run a step forward, least of all a delete.
     */
    static VmJob resumed(Decision d, VmJob vm) {
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "rollback resumed", "undo " + vm.compensations());
        return vm.withState(VmState.ROLLING_BACK).withAttempts(0).withCompensations(vm.compensations().stream()
                .filter(s -> Procedure.of(s).during() == VmState.ROLLING_BACK).toList());
    }
}
