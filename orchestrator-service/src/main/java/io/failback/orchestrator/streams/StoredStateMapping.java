package io.failback.orchestrator.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.ChosenPoint;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.Reason;
import io.failback.orchestrator.saga.Target;
import io.failback.orchestrator.saga.VmJob;
import io.failback.messages.state.PendingCommand;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredTarget;
import io.failback.messages.state.StoredVmFacts;
import io.failback.messages.state.StoredVmJob;
import io.failback.messages.state.VmStateCount;

/**
 * Maps the saga's state records to the Avro records of the state schema and back, field for field, so the
 * saga knows nothing of how its state is stored. The two maps of the records are lists in the schema:
 * counts in state order, pending commands in the order they were sent.
 */
final class StoredStateMapping {

    private StoredStateMapping() {
    }

    static StoredJob toStored(Job job) {
        // an EnumMap iterates in state order, so equal jobs give equal bytes
        Map<VmState, Integer> ordered = new EnumMap<>(VmState.class);
        ordered.putAll(job.counts());
        List<VmStateCount> counts = new ArrayList<>();
        ordered.forEach((state, count) -> counts.add(new VmStateCount(state, count)));
        return StoredJob.newBuilder()
                .setJobId(job.jobId()).setRequestedBy(job.requestedBy()).setPlanId(job.planId())
                .setRequestSummary(job.requestSummary()).setPointKind(job.pointKind()).setCommitPolicy(job.commitPolicy())
                .setCommitDelaySeconds(job.commitDelaySeconds()).setReprotectProcessServer(job.reprotectProcessServer())
                .setState(job.state()).setTotalVms(job.totalVms()).setGroupCount(job.groupCount())
                .setCurrentGroup(job.currentGroup()).setGroupWaiting(job.groupWaiting()).setGroupFailed(job.groupFailed())
                .setCounts(counts).setBlockedAtGroup(job.blockedAtGroup()).setTimerAt(job.timerAt())
                .setCancelRequested(job.cancelRequested()).setCommitted(job.committed())
                .setReasons(toStored(job.reasons())).setCreatedAt(job.createdAt())
                .setApprovedBy(job.approvedBy()).setRecentControls(job.recentControls())
                .build();
    }

    /** Throws {@link IllegalArgumentException} for what the schema can hold but a job can't: a state counted twice. */
    static Job fromStored(StoredJob stored) {
        Map<VmState, Integer> counts = new EnumMap<>(VmState.class);
        for (VmStateCount c : stored.getCounts()) {
            if (counts.put(c.getState(), c.getCount()) != null) {
                throw new IllegalArgumentException("the VMs in state " + c.getState() + " are counted twice");
            }
        }
        return new Job(stored.getJobId(), stored.getRequestedBy(), stored.getPlanId(), stored.getRequestSummary(),
                stored.getPointKind(), stored.getCommitPolicy(), stored.getCommitDelaySeconds(),
                stored.getReprotectProcessServer(), stored.getState(), stored.getTotalVms(), stored.getGroupCount(),
                stored.getCurrentGroup(), stored.getGroupWaiting(), stored.getGroupFailed(), counts,
                stored.getBlockedAtGroup(), stored.getTimerAt(), stored.getCancelRequested(), stored.getCommitted(),
                fromStored(stored.getReasons()), stored.getCreatedAt(), stored.getApprovedBy(), stored.getRecentControls());
    }

    static StoredVmJob toStored(VmJob vm) {
        return toStored(vm, true);
    }

    /** The VM as the job-vms store keeps it: its facts ({@link #facts}) left out, as they are stored apart. */
    static StoredVmJob toStoredProgress(VmJob vm) {
        return toStored(vm, false);
    }

    /** The VM's facts: what it learnt once and then only reads. */
    static StoredVmFacts facts(VmJob vm) {
        return new StoredVmFacts(target(vm.target()), vm.azureDiskIds(), vm.azureNicIds());
    }

    /** Whether {@code vm} has learnt any facts yet. */
    static boolean hasFacts(VmJob vm) {
        return vm.target() != null || !vm.azureDiskIds().isEmpty() || !vm.azureNicIds().isEmpty();
    }

    /**
     * Whether {@code a} and {@code b} hold the very same facts: the saga copies a VM's fields from one record to the
     * next, so facts not changed are the same objects.
     */
    static boolean sameFacts(VmJob a, VmJob b) {
        return a.target() == b.target() && a.azureDiskIds() == b.azureDiskIds() && a.azureNicIds() == b.azureNicIds();
    }

    /** {@code progress} as read from the job-vms store, with its facts read from theirs. */
    static VmJob withFacts(VmJob progress, StoredVmFacts facts) {
        VmJob v = progress;
        return new VmJob(v.jobId(), v.vmId(), v.group(), v.state(), v.step(), target(facts.getTarget()), v.point(), v.reasons(),
                v.pending(), v.claimAnswered(), v.claimed(), v.sequence(), v.attempts(), v.deadline(), v.compensations(),
                v.cancelRequested(), v.rollbackReason(), v.poweredOnVerified(), v.disksVerified(), v.reprotectUntil(),
                v.reprotectRefusals(), facts.getAzureDiskIds(), facts.getAzureNicIds(), v.appliedPoint(), v.shutdownAt(),
                v.pointRechosen());
    }

    private static StoredTarget target(Target t) {
        return t == null ? null : new StoredTarget(t.vCenter(), t.masterTarget(), t.onPremisesVm(),
                t.replicaDisks(), t.azureVmId(), t.azureResourceGroup(), t.windows(), t.processServer(),
                t.onPremisesInstanceUuid(), t.diskLayout(), t.alternateLocation(), t.shape(), t.physical());
    }

    private static Target target(StoredTarget t) {
        return t == null ? null : new Target(t.getVCenter(), t.getMasterTarget(), t.getOnPremisesVm(),
                List.copyOf(t.getReplicaDisks()), t.getAzureVmId(), t.getAzureResourceGroup(), t.getWindows(),
                t.getProcessServer(), t.getOnPremisesInstanceUuid(), t.getDiskLayout(), t.getAlternateLocation(),
                t.getShape(), t.getPhysical());
    }

    private static StoredVmJob toStored(VmJob vm, boolean withFacts) {
        List<PendingCommand> pending = new ArrayList<>();
        vm.pending().forEach((commandId, step) -> pending.add(new PendingCommand(commandId, step)));
        ChosenPoint p = vm.point();
        return StoredVmJob.newBuilder()
                .setJobId(vm.jobId()).setVmId(vm.vmId()).setGroup(vm.group()).setState(vm.state()).setStep(vm.step())
                .setTarget(withFacts ? target(vm.target()) : null)
                .setPoint(p == null ? null : new ChosenRecoveryPoint(p.pointId(), Instant.ofEpochMilli(p.time()),
                        p.consistency(), p.consistencyId(), p.dataLossWindowMillis()))
                .setReasons(toStored(vm.reasons())).setPending(pending).setClaimAnswered(vm.claimAnswered())
                .setClaimed(vm.claimed()).setSequence(vm.sequence()).setAttempts(vm.attempts()).setDeadline(vm.deadline())
                .setCompensations(vm.compensations()).setCancelRequested(vm.cancelRequested())
                .setRollbackReason(vm.rollbackReason() == null ? null : toStored(vm.rollbackReason()))
                .setPoweredOnVerified(vm.poweredOnVerified()).setDisksVerified(vm.disksVerified())
                .setReprotectUntil(vm.reprotectUntil()).setReprotectRefusals(vm.reprotectRefusals())
                .setAzureDiskIds(withFacts ? vm.azureDiskIds() : List.of()).setAzureNicIds(withFacts ? vm.azureNicIds() : List.of())
                .setAppliedPoint(point(vm.appliedPoint())).setShutdownAt(vm.shutdownAt()).setPointRechosen(vm.pointRechosen())
                .build();
    }

    /** Throws {@link IllegalArgumentException} for what the schema can hold but a VM can't: a command pending twice. */
    static VmJob fromStored(StoredVmJob stored) {
        Map<String, Step> pending = new LinkedHashMap<>();
        for (PendingCommand c : stored.getPending()) {
            if (pending.put(c.getCommandId(), c.getStep()) != null) {
                throw new IllegalArgumentException("command " + c.getCommandId() + " is pending twice");
            }
        }
        ChosenRecoveryPoint p = stored.getPoint();
        return new VmJob(stored.getJobId(), stored.getVmId(), stored.getGroup(), stored.getState(), stored.getStep(),
                target(stored.getTarget()),
                p == null ? null : new ChosenPoint(p.getPointId(), p.getTime().toEpochMilli(), p.getConsistency(),
                        p.getConsistencyId(), p.getDataLossWindowMillis()),
                fromStored(stored.getReasons()), pending, stored.getClaimAnswered(), stored.getClaimed(),
                stored.getSequence(), stored.getAttempts(), stored.getDeadline(), stored.getCompensations(),
                stored.getCancelRequested(), stored.getRollbackReason() == null ? null : fromStored(stored.getRollbackReason()),
                stored.getPoweredOnVerified(), stored.getDisksVerified(), stored.getReprotectUntil(),
                stored.getReprotectRefusals(), stored.getAzureDiskIds(), stored.getAzureNicIds(), point(stored.getAppliedPoint()),
                stored.getShutdownAt(), stored.getPointRechosen());
    }

    private static ChosenRecoveryPoint point(ChosenPoint p) {
        return p == null ? null : new ChosenRecoveryPoint(p.pointId(), Instant.ofEpochMilli(p.time()), p.consistency(),
                p.consistencyId(), p.dataLossWindowMillis());
    }

    private static ChosenPoint point(ChosenRecoveryPoint p) {
        return p == null ? null : new ChosenPoint(p.getPointId(), p.getTime().toEpochMilli(), p.getConsistency(),
                p.getConsistencyId(), p.getDataLossWindowMillis());
    }

    private static io.failback.messages.Reason toStored(Reason reason) {
        return new io.failback.messages.Reason(reason.code(), reason.message());
    }

    private static List<io.failback.messages.Reason> toStored(List<Reason> reasons) {
        return reasons.stream().map(StoredStateMapping::toStored).toList();
    }

    private static Reason fromStored(io.failback.messages.Reason reason) {
        return new Reason(reason.getCode(), reason.getMessage());
    }

    private static List<Reason> fromStored(List<io.failback.messages.Reason> reasons) {
        return reasons.stream().map(StoredStateMapping::fromStored).toList();
    }
}
