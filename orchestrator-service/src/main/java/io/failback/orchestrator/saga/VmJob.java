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
 * @param appliedPoint the point the replication engine rolled the replica disks to; null before it answered
 * @param shutdownAt when the Azure VM was shut down (its last write); 0 before
 * @param pointRechosen whether an expired point was chosen again already (once only)
 */
public record VmJob(String jobId, String vmId, int group, VmState state, Step step, Target target, ChosenPoint point,
                    List<Reason> reasons, Map<String, Step> pending, boolean claimAnswered, boolean claimed,
                    int sequence, int attempts, long deadline, List<Step> compensations, boolean cancelRequested,
                    Reason rollbackReason, boolean poweredOnVerified, boolean disksVerified, long reprotectUntil,
                    int reprotectRefusals, List<String> azureDiskIds, List<String> azureNicIds, ChosenPoint appliedPoint,
                    long shutdownAt, boolean pointRechosen) {

    public VmJob {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        // the order sent matters: re-sends and the preflight step shown follow it
        pending = pending == null || pending.isEmpty() ? Map.of() : pending instanceof Pending<String, Step> kept ? kept : new Pending<>(pending);
        compensations = compensations == null ? List.of() : List.copyOf(compensations);
        azureDiskIds = azureDiskIds == null ? List.of() : List.copyOf(azureDiskIds);
        azureNicIds = azureNicIds == null ? List.of() : List.copyOf(azureNicIds);
    }

    /** A VM as its job starts: in preflight, nothing sent, nothing to undo. */
    static VmJob start(String jobId, String vmId, int group) {
        return new VmJob(jobId, vmId, group, VmState.PREFLIGHT, Step.CHECK_INVENTORY, null, null, List.of(), Map.of(),
                false, false, 0, 0, 0, List.of(), false, null, false, false, 0, 0, List.of(), List.of(), null, 0, false);
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
            // the engine must have rolled the disks to the chosen point, or to a final point taken after the shutdown
            case PREPARE_FAILBACK -> appliedPoint != null && point != null && appliedPoint.pointId().equals(point.pointId());
            case PREPARE_FINAL_POINT -> appliedPoint != null && appliedPoint.time() >= shutdownAt;
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
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
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
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withTarget(Target target) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withPoint(ChosenPoint point) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withReasons(List<Reason> reasons) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withPending(Map<String, Step> pending) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withClaimAnswered(boolean claimAnswered) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withClaimed(boolean claimed) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withSequence(int sequence) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withAttempts(int attempts) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withDeadline(long deadline) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withCompensations(List<Step> compensations) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withCancelRequested(boolean cancelRequested) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withRollbackReason(Reason rollbackReason) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withPoweredOnVerified(boolean poweredOnVerified) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withDisksVerified(boolean disksVerified) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withReprotectUntil(long reprotectUntil) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withReprotectRefusals(int reprotectRefusals) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withAzureDiskIds(List<String> azureDiskIds) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withAzureNicIds(List<String> azureNicIds) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withAppliedPoint(ChosenPoint appliedPoint) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withShutdownAt(long shutdownAt) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    VmJob withPointRechosen(boolean pointRechosen) {
        return new VmJob(jobId, vmId, group, state, step, target, point, reasons, pending, claimAnswered, claimed,
                sequence, attempts, deadline, compensations, cancelRequested, rollbackReason, poweredOnVerified,
                disksVerified, reprotectUntil, reprotectRefusals, azureDiskIds, azureNicIds, appliedPoint, shutdownAt, pointRechosen);
    }

    @Override
    public String toString() {
        return "VmJob[" + jobId + "/" + vmId + " " + state + " " + step + " pending=" + pending.values() + "]";
    }

    /**
     * The pending commands, copied once when made and never changed after: a record made from another (every
     * {@code with...}) shares its map rather than copying it again. Iterates in the order sent.
     */
    private static final class Pending<K, V> extends java.util.AbstractMap<K, V> {
        /** One or two entries (the preflight checks at most): a look-up walks them, as {@link java.util.AbstractMap} does. */
        private final java.util.Set<Map.Entry<K, V>> entries;

        Pending(Map<K, V> entries) {
            this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries)).entrySet();
        }

        @Override
        public java.util.Set<Map.Entry<K, V>> entrySet() {
            return entries;
        }
    }
}
