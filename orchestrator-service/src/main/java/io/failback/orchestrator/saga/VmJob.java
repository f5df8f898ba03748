package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.Step;
import io.failback.messages.VmState;

/**
 * One VM's part of a job, stored on its own so no stored record grows with the size of a plan. Immutable:
 * the saga makes a changed record and hands it back; the stored original never changes.
 *
 * @param pending commands sent and not answered yet, command id to step, in the order sent; at most two
 *                (the preflight checks)
 * @param deadline when the pending commands time out, or when a reprotect retry is due; 0 for never
 * @param compensations undo steps, recorded before the step they undo; the last one runs first
 * @param reprotectRefusals reprotect tries refused with "agent not registered" so far; sets the back-off
 * @param azureDiskIds the managed disks the Azure VM referenced when last read; the delete on commit names them
 * @param azureNicIds the network interfaces the Azure VM referenced when last read
 */
public record VmJob(String jobId, String vmId, int group, VmState state, Step step, Target target, ChosenPoint point,
                    List<Reason> reasons, Map<String, Step> pending, boolean claimAnswered, boolean claimed,
                    int sequence, int attempts, long deadline, List<Step> compensations, boolean cancelRequested,
                    Reason rollbackReason, boolean poweredOnVerified, boolean disksVerified, long reprotectUntil,
                    int reprotectRefusals, List<String> azureDiskIds, List<String> azureNicIds) {

    public VmJob {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        // the order sent matters: re-sends and the preflight step shown follow it
        pending = pending == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(pending));
        compensations = compensations == null ? List.of() : List.copyOf(compensations);
        azureDiskIds = azureDiskIds == null ? List.of() : List.copyOf(azureDiskIds);
        azureNicIds = azureNicIds == null ? List.of() : List.copyOf(azureNicIds);
    }

    /** A VM as its job starts: in preflight, nothing sent, nothing to undo. */
    static VmJob start(String jobId, String vmId, int group) {
        return new VmJob(jobId, vmId, group, VmState.PREFLIGHT, Step.CHECK_INVENTORY, null, null, List.of(), Map.of(),
                false, false, 0, 0, 0, List.of(), false, null, false, false, 0, 0, List.of(), List.of());
    }

    /** Terminal: nothing more will happen to this VM in this job. */
    public boolean isFinished() {
        return switch (state) {
            case REJECTED, COMMITTED, REPROTECTED, ROLLED_BACK, FAILED -> true;
            default -> false;
        };
    }

    /** Whether the agent's read-back proved {@code step}: power-on and attach, which commit later relies on. */
    boolean verifiedAfter(Step step) {
        return switch (step) {
            case POWER_ON_ON_PREMISES_VM -> poweredOnVerified;
            case ATTACH_TO_ON_PREMISES_VM -> disksVerified;
            default -> true;
        };
    }

    /** Still counted as waiting for its boot group: not powered on and not out of the running. */
    static boolean beforePowerOn(VmState s) {
        return s == VmState.PREFLIGHT || s == VmState.READY || s == VmState.FAILING_BACK || s == VmState.WAITING_FOR_GROUP;
    }

    /** This VM in {@code state}; a change {@link Transitions} doesn't allow throws {@link IllegalTransitionException}. */
    VmJob withState(VmState state) {
        Transitions.checked(this.state, state);
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    /** This VM with one more reason. */
    VmJob withReason(Reason reason) {
        List<Reason> more = new ArrayList<>(reasons);
        more.add(reason);
        return withReasons(more);
    }

    /** This VM with more reasons, in order. */
    VmJob withReasonsAdded(List<Reason> added) {
        List<Reason> more = new ArrayList<>(reasons);
        more.addAll(added);
        return withReasons(more);
    }

    /** This VM with one more command awaiting its answer. */
    VmJob withPending(String commandId, Step step) {
        Map<String, Step> more = new LinkedHashMap<>(pending);
        more.put(commandId, step);
        return withPending(more);
    }

    /** This VM without the command {@code commandId} pending. */
    VmJob withAnswered(String commandId) {
        Map<String, Step> fewer = new LinkedHashMap<>(pending);
        fewer.remove(commandId);
        return withPending(fewer);
    }

    VmJob withStep(Step step) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withTarget(Target target) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withPoint(ChosenPoint point) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withReasons(List<Reason> reasons) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withPending(Map<String, Step> pending) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withClaimAnswered(boolean claimAnswered) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withClaimed(boolean claimed) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withSequence(int sequence) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withAttempts(int attempts) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withDeadline(long deadline) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withCompensations(List<Step> compensations) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withCancelRequested(boolean cancelRequested) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withRollbackReason(Reason rollbackReason) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withPoweredOnVerified(boolean poweredOnVerified) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withDisksVerified(boolean disksVerified) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withReprotectUntil(long reprotectUntil) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withReprotectRefusals(int reprotectRefusals) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withAzureDiskIds(List<String> azureDiskIds) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    VmJob withAzureNicIds(List<String> azureNicIds) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds);
    }

    @Override
    public String toString() {
        return "VmJob[" + jobId + "/" + vmId + " " + state + " " + step + " pending=" + pending.values() + "]";
    }
}
