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
        // the job's counts are an EnumMap, which iterates in state order, so equal jobs give equal bytes
        List<VmStateCount> counts = new ArrayList<>(job.counts().size());
        job.counts().forEach((state, count) -> counts.add(new VmStateCount(state, count)));
        // the all-arguments constructor, in the schema's field order: a builder copies the schema's fields and checks
        // every value again for each record stored (StateSerdeTest round-trips every field)
        return new StoredJob(job.jobId(), job.requestedBy(), job.planId(), job.requestSummary(), job.pointKind(),
                job.commitPolicy(), job.commitDelaySeconds(), job.reprotectProcessServer(), job.state(), job.totalVms(),
                job.groupCount(), job.currentGroup(), job.groupWaiting(), job.groupFailed(), counts, job.blockedAtGroup(),
                job.timerAt(), job.cancelRequested(), job.committed(), toStored(job.reasons()), job.createdAt(),
                job.approvedBy(), job.recentControls(), job.endedAt());
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
                fromStored(stored.getReasons()), stored.getCreatedAt(), stored.getApprovedBy(), stored.getRecentControls(),
                stored.getEndedAt());
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
        List<PendingCommand> pending = new ArrayList<>(vm.pending().size());
        vm.pending().forEach((commandId, step) -> pending.add(new PendingCommand(commandId, step)));
        // the all-arguments constructor, in the schema's field order (see toStored(Job))
        return new StoredVmJob(vm.jobId(), vm.vmId(), vm.group(), vm.state(), vm.step(), withFacts ? target(vm.target()) : null,
                point(vm.point()), toStored(vm.reasons()), pending, vm.claimAnswered(), vm.claimed(), vm.sequence(),
                vm.attempts(), vm.deadline(), vm.compensations(), vm.cancelRequested(),
                vm.rollbackReason() == null ? null : toStored(vm.rollbackReason()), vm.poweredOnVerified(), vm.disksVerified(),
                vm.reprotectUntil(), vm.reprotectRefusals(), withFacts ? vm.azureDiskIds() : List.of(),
                withFacts ? vm.azureNicIds() : List.of(), point(vm.appliedPoint()), vm.shutdownAt(), vm.pointRechosen());
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
        if (reasons.isEmpty()) {
            return List.of();
        }
        return reasons.stream().map(StoredStateMapping::toStored).toList();
    }

    private static Reason fromStored(io.failback.messages.Reason reason) {
        return new Reason(reason.getCode(), reason.getMessage());
    }

    private static List<Reason> fromStored(List<io.failback.messages.Reason> reasons) {
        return reasons.stream().map(StoredStateMapping::fromStored).toList();
    }
}
