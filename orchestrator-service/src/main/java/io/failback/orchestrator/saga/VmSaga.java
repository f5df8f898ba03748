package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.failback.messages.AuditKind;
import io.failback.messages.ClaimAction;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmClaimAnswer;
import io.failback.messages.VmState;

import static io.failback.orchestrator.saga.VmOutput.emit;
import static io.failback.orchestrator.saga.VmOutput.send;
import static io.failback.orchestrator.saga.VmOutput.store;

/**
 * One VM's way through the {@link Procedure}: its claim, every agent's reply (one path for all agents), its
 * deadline, and the work its job hands to each VM. It follows the table forward, or back through the undo
 * steps recorded so far; the job's own moves are {@link JobSaga}'s.
 */
final class VmSaga {

    private final SagaSettings settings;
    private final JobSaga jobs;

    VmSaga(SagaSettings settings, JobSaga jobs) {
        this.settings = settings;
        this.jobs = jobs;
    }

    // ================================================================== inputs

    Decision onClaimAnswer(Job job, VmJob stored, VmClaimAnswer answer, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        VmJob vm = stored;
        if (vm.isFinished() || vm.claimAnswered()) {
            if (answer.getGranted() && !vm.claimed()) {
                d.claim(vm.vmId(), ClaimAction.RELEASE);
                d.audit(AuditKind.DECISION, vm.vmId(), null, null, "late claim released", "VM already " + vm.state());
            }
            return d;
        }
        vm = vm.withClaimAnswered(true).withClaimed(answer.getGranted());
        if (!answer.getGranted()) {
            vm = vm.withReason(new Reason(ReasonCode.VM_IN_ACTIVE_JOB, vm.vmId() + " is in active job " + answer.getHolderJobId()));
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, answer.getGranted() ? "VM claimed" : "VM claim refused",
                answer.getGranted() ? "" : "held by job " + answer.getHolderJobId());
        finishPreflightIfDone(d, vm);
        jobs.reconcile(d);
        return d;
    }

    /** An agent's answer to one of this VM's commands, whichever agent it comes from; an expired point is chosen again by {@code rechoice}. */
    Decision onResult(Job job, VmJob stored, Reply r, long now, PointApplication.Rechoice rechoice) {
        Decision d = new Decision(job, now);
        d.track(stored);
        Step step = stored.pending().get(r.commandId());
        if (step == null) {
            d.audit(AuditKind.STALE_RESULT, stored.vmId(), r.commandId(), null, "stale result ignored",
                    r.what() + " for a command that is not pending");
            return d;
        }
        d.audit(AuditKind.RESULT, stored.vmId(), r.commandId(), null, step + " " + r.code(), r.detail());
        VmJob vm = r.readInto(stored.withAnswered(r.commandId()), step);
        PointApplication.auditApplied(d, stored, vm, r.commandId());
        AlternateLocations.auditCreated(d, vm, r, step);
        if (Procedure.of(step).during() == VmState.PREFLIGHT) {
            finishPreflightIfDone(d, vm.withReasonsAdded(r.preflight().reasons(vm.vmId(), vm.target())));
        } else if (r.ok() && vm.verifiedAfter(step) && r.proves(step)) {
            succeeded(d, vm, step);
        } else if (r.ok()) {
            failed(d, vm, step, new Reason(ReasonCode.STEP_FAILED, step
                    + " answered OK but the VM is not in the expected state: " + r.outcome()));
        } else if (r.agentNotRegistered() && now < vm.reprotectUntil()) {
            // The on-premises VM's agent registers up to ~15 minutes after boot: wait, then ask again.
            long backoff = Math.min(settings.reprotectMaxBackoff().toMillis(),
                    settings.reprotectInitialBackoff().toMillis() << Math.min(vm.reprotectRefusals(), 16));
            vm = vm.withReprotectRefusals(vm.reprotectRefusals() + 1).withDeadline(Math.min(now + backoff, vm.reprotectUntil()));
            d.audit(AuditKind.DECISION, vm.vmId(), r.commandId(), null, "reprotect retry scheduled",
                    "agent not registered yet; next try at " + Instant.ofEpochMilli(vm.deadline()));
            store(d, vm);
        } else if (r.agentNotRegistered()) {
            failed(d, vm, step, new Reason(ReasonCode.REPROTECT_AGENT_NOT_REGISTERED, "the agent of " + vm.vmId()
                    + " did not register within " + settings.reprotectWindow().toMinutes() + " minutes: " + r.detail()));
        } else if (r.failure() == ReasonCode.RECOVERY_POINT_EXPIRED && step == Step.PREPARE_FAILBACK) {
            PointApplication.Rechosen again = PointApplication.rechoose(d, job, vm.withAttempts(0).withDeadline(0), rechoice);
            if (again.vm() != null) {
                forward(d, again.vm(), Step.PREPARE_FAILBACK);
            } else {
                failed(d, vm, step, again.reason());
            }
        } else {
            failed(d, vm, step, new Reason(PointApplication.failureOf(step, r.failure()), r.describe().apply(step)));
        }
        jobs.reconcile(d);
        return d;
    }

    /** A VM's deadline passed: send its pending commands again (agents are idempotent), or give up. */
    Decision onTimer(Job job, VmJob stored, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        if (stored.deadline() == 0 || now < stored.deadline() || stored.isFinished()) {
            return d;
        }
        VmJob vm = stored;
        if (vm.pending().isEmpty() && vm.state() == VmState.REPROTECTING) {
            store(d, send(d, vm, Step.REPROTECT, settings));
        } else if (vm.pending().isEmpty()) {
            store(d, vm.withDeadline(0));
        } else if (vm.attempts() < settings.maxAttempts() && !vm.cancelRequested()
                && !vm.pending().containsValue(Step.PREPARE_FINAL_POINT)) { // the final point's wait is one, whole
            VmJob again = vm.withAttempts(vm.attempts() + 1)
                    .withDeadline(now + Procedure.timeout(vm.pending().values().iterator().next(), settings).toMillis());
            again.pending().forEach((id, step) -> emit(d, again, id, step, "sent again"));
            store(d, again);
        } else {
            Map<String, Step> timedOut = vm.pending();
            vm = vm.withPending(Map.of());
            d.audit(AuditKind.DECISION, vm.vmId(), null, null, "step timed out", timedOut.values() + " after " + vm.attempts() + " attempt(s)");
            if (vm.state() == VmState.PREFLIGHT) {
                for (Step step : timedOut.values()) {
                    vm = vm.withReason(new Reason(step == Step.CHECK_VCENTER ? ReasonCode.VCENTER_NOT_CONNECTED : ReasonCode.STEP_TIMEOUT,
                            step + ": no answer from the agent after " + vm.attempts() + " attempt(s)"));
                }
                finishPreflightIfDone(d, vm);
            } else if (vm.cancelRequested()) {
                startRollback(d, vm, vm.rollbackReason());
            } else {
                Step step = timedOut.values().iterator().next();
                failed(d, vm, step, step == Step.PREPARE_FINAL_POINT ? PointApplication.finalPointMissing(settings)
                        : new Reason(step == Step.REPROTECT ? ReasonCode.REPROTECT_FAILED : ReasonCode.STEP_TIMEOUT,
                        step + ": no answer after " + vm.attempts() + " attempt(s)"));
            }
        }
        jobs.reconcile(d);
        return d;
    }

    /** The part of a job-wide follow-up that falls to this VM. */
    Decision onFollowup(Job job, VmJob stored, Followup f, long now) {
        Decision d = new Decision(job, now);
        d.track(stored);
        VmJob vm = stored;
        switch (f.kind()) {
            case START_PREFLIGHT -> {
                if (vm.state() == VmState.PREFLIGHT && vm.sequence() == 0 && !vm.claimAnswered() && !f.passesOver(vm)) {
                    startPreflightStored(d, vm);
                }
            }
            case START_ALL -> {
                if (vm.state() == VmState.READY && !f.passesOver(vm)) {
                    forward(d, vm, Step.SHUT_DOWN_AZURE_VM);
                }
            }
            case RELEASE_GROUP -> {
                if (vm.state() == VmState.WAITING_FOR_GROUP && vm.group() <= d.working().currentGroup()) {
                    forward(d, vm, Step.POWER_ON_ON_PREMISES_VM);
                }
            }
            case REJECT_READY -> {
                if (vm.state() == VmState.READY) {
                    finish(d, vm.withReason(f.reason()), VmState.REJECTED);
                }
            }
            case CANCEL_ALL -> {
                if (!vm.isFinished()) {
                    finish(d, vm.withReason(f.reason()), VmState.ROLLED_BACK);
                }
            }
            case ROLLBACK_ALL -> rollbackIfActive(d, vm, f.reason());
            case ROLLBACK_GROUPS_AFTER -> {
                if (vm.group() > f.group() && VmJob.beforePowerOn(vm.state())) {
                    rollbackIfActive(d, vm, f.reason());
                }
            }
            case COMMIT_ALL -> {
                if (vm.state() == VmState.FAILED_BACK_AWAITING_COMMIT && !f.passesOver(vm)) {
                    if (vm.poweredOnVerified() && vm.disksVerified()) {
                        forward(d, vm.withCompensations(List.of()), Step.DELETE_AZURE_VM);
                    } else {
                        finish(d, vm.withReason(new Reason(ReasonCode.COMMIT_PRECONDITION_FAILED, "Azure VM kept: the on-premises VM "
                                + "was not verified powered on with its replica disks")), VmState.FAILED);
                    }
                }
            }
            case REPOINT_GROUP -> PointApplication.repoint(d, vm, f, settings);
            case RETRY_ATTENTION -> {
                if (Attention.retries(vm, f)) {
                    continueRollback(d, Attention.resumed(d, vm));
                }
            }
            default -> throw new IllegalTransitionException("unknown follow-up " + f);
        }
        jobs.reconcile(d);
        return d;
    }

    /** A VM's first commands: the preflight checks the table lists for the agents. */
    VmJob startPreflight(Decision d, VmJob vm) {
        return send(d, send(d, vm, Step.CHECK_AZURE_VM, settings), Step.CHECK_VCENTER, settings);
    }

    /** A VM its request stored without a word: its claim and checks go out, and the operator sees it in preflight. */
    private void startPreflightStored(Decision d, VmJob vm) {
        VmJob started = vm.target() != null ? startPreflight(d, vm) : vm; // a VM the inventory lacks is only claimed
        d.claim(vm.vmId(), ClaimAction.CLAIM);
        store(d, started);
        if (d.statuses().isEmpty()) {
            d.vmStatus(started);
        }
    }

    // ================================================================== through the table

    private void succeeded(Decision d, VmJob answered, Step step) {
        VmJob vm = answered.withAttempts(0).withDeadline(0);
        if (vm.state() == VmState.ROLLING_BACK) {
            List<Step> undone = new ArrayList<>(vm.compensations());
            undone.remove(step);
            continueRollback(d, vm.withCompensations(undone));
            return;
        }
        Step next = Procedure.next(step, d.working(), vm);
        if (next != Step.NONE) {
            forward(d, vm, next);
        } else if (vm.cancelRequested()) {
            startRollback(d, vm, vm.rollbackReason());
        } else if (Procedure.doneAfter(step) == VmState.FAILED_BACK_AWAITING_COMMIT) {
            d.audit(AuditKind.DECISION, vm.vmId(), null, null, "failed back, awaiting commit", "");
            store(d, vm.withState(VmState.FAILED_BACK_AWAITING_COMMIT).withStep(Step.NONE));
        } else {
            finish(d, vm, Procedure.doneAfter(step));
        }
    }

    private void failed(Decision d, VmJob answered, Step step, Reason reason) {
        VmJob vm = answered.withAttempts(0).withDeadline(0);
        switch (vm.state()) {
            case ROLLING_BACK -> Attention.undoFailed(d, vm, step, reason, answered.attempts(), settings.maxAttempts(),
                    () -> send(d, vm, step, settings));
            case COMMITTING -> finish(d, vm.withReason(new Reason(reason.code(), reason.message()
                    + "; the on-premises VM runs, the Azure VM is shut down but not deleted")), VmState.FAILED);
            case REPROTECTING -> finish(d, vm.withReason(reason), VmState.FAILED);
            case FAILING_BACK -> startRollback(d, vm, reason);
            default -> throw new IllegalTransitionException("step " + step + " can't fail in state " + vm.state() + " of " + vm);
        }
    }

    /**
     * Sends {@code step}, or holds it until the VM's boot group may power on. Records the step's undo before
     * sending it: a command that times out has an unknown outcome.
     */
    private void forward(Decision d, VmJob vm, Step step) {
        Procedure.Row row = Procedure.of(step);
        Job j = d.working();
        boolean blocked = j.blockedAtGroup() != 0 && vm.group() > j.blockedAtGroup();
        if (vm.cancelRequested()) {
            startRollback(d, vm, vm.rollbackReason());
        } else if (row.afterBootGroup() && blocked) {
            // VMs of one group are independent: a sibling's failure stops only the later groups
            startRollback(d, vm, JobSaga.dependencyFailure(j.blockedAtGroup()));
        } else if (row.afterBootGroup() && j.currentGroup() < vm.group()) {
            store(d, vm.withState(VmState.WAITING_FOR_GROUP).withStep(step));
        } else {
            if (row.undo() != Step.NONE && !vm.compensations().contains(row.undo())) {
                List<Step> more = new ArrayList<>(vm.compensations());
                more.add(row.undo());
                vm = vm.withCompensations(more);
            }
            if (row.during() == VmState.REPROTECTING && vm.state() != VmState.REPROTECTING) {
                // the agent of a VM just powered on registers within minutes: reprotect keeps asking until then
                vm = vm.withReprotectUntil(d.now() + settings.reprotectWindow().toMillis());
            }
            store(d, send(d, vm.withState(row.during()), step, settings));
        }
    }

    private void startRollback(Decision d, VmJob vm, Reason reason) {
        vm = vm.withState(VmState.ROLLING_BACK).withCancelRequested(false);
        if (reason != null) {
            vm = vm.withReason(reason);
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "rollback started",
                (reason == null ? "" : reason.code() + ": " + reason.message()) + "; undo " + vm.compensations());
        continueRollback(d, vm);
    }

    private void continueRollback(Decision d, VmJob vm) {
        if (vm.compensations().isEmpty()) {
            finish(d, vm, VmState.ROLLED_BACK);
            return;
        }
        store(d, send(d, vm, vm.compensations().get(vm.compensations().size() - 1), settings));
    }

    private void rollbackIfActive(Decision d, VmJob vm, Reason reason) {
        if (vm.isFinished() || vm.state() == VmState.ROLLING_BACK || vm.state() == VmState.COMMITTING
                || vm.state() == VmState.REPROTECTING || vm.state() == VmState.NEEDS_ATTENTION) {
            return;
        }
        if (!vm.pending().isEmpty()) {
            // The step in flight has an unknown outcome until it answers or times out; roll back then.
            store(d, vm.withCancelRequested(true).withRollbackReason(reason));
        } else {
            startRollback(d, vm, reason);
        }
    }

    private void finish(Decision d, VmJob vm, VmState state) {
        vm = vm.withState(state);
        if (state != VmState.FAILED) {
            vm = vm.withStep(Step.NONE);
        }
        vm = vm.withPending(Map.of()).withDeadline(0).withAttempts(0);
        if (vm.claimed()) {
            vm = vm.withClaimed(false);
            d.claim(vm.vmId(), ClaimAction.RELEASE);
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "VM " + state, vm.reasons().isEmpty() ? ""
                : vm.reasons().get(vm.reasons().size() - 1).code().toString());
        store(d, vm);
    }

    private void finishPreflightIfDone(Decision d, VmJob vm) {
        if (vm.state() != VmState.PREFLIGHT) {
            store(d, vm);
        } else if (vm.claimAnswered() && vm.pending().isEmpty() && vm.reasons().isEmpty()) {
            store(d, vm.withDeadline(0).withAttempts(0).withState(VmState.READY).withStep(Step.NONE));
        } else if (vm.claimAnswered() && vm.pending().isEmpty()) {
            finish(d, vm, VmState.REJECTED);
        } else {
            store(d, vm.withStep(vm.pending().isEmpty() ? Step.CHECK_INVENTORY : vm.pending().values().iterator().next()));
        }
    }
}
