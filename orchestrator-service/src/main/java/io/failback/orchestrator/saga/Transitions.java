package io.failback.orchestrator.saga;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.failback.messages.JobState;
import io.failback.messages.VmState;

/**
 * The state changes a VM and a job may make, and no others: {@link VmJob#withState} and {@link Job#withState}
 * refuse any change missing here with an {@link IllegalTransitionException}. Staying in a state is no change.
 */
final class Transitions {

    private static final Map<VmState, Set<VmState>> VM = new EnumMap<>(VmState.class);
    private static final Map<JobState, Set<JobState>> JOB = new EnumMap<>(JobState.class);

    static {
        // preflight: each VM is checked; a cancel before any change just stops it
        vm(VmState.PREFLIGHT, VmState.READY, VmState.REJECTED, VmState.ROLLED_BACK);
        // ready: starts with the rest of its job, or is refused with it, or is cancelled
        vm(VmState.READY, VmState.FAILING_BACK, VmState.REJECTED, VmState.ROLLING_BACK, VmState.ROLLED_BACK);
        vm(VmState.FAILING_BACK, VmState.WAITING_FOR_GROUP, VmState.FAILED_BACK_AWAITING_COMMIT, VmState.ROLLING_BACK);
        vm(VmState.WAITING_FOR_GROUP, VmState.FAILING_BACK, VmState.ROLLING_BACK);
        // awaiting commit: commit deletes the Azure VM (if the VM was proven on), cancel or auto-rollback undo
        vm(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING, VmState.FAILED, VmState.ROLLING_BACK);
        vm(VmState.COMMITTING, VmState.COMMITTED, VmState.REPROTECTING, VmState.FAILED);
        vm(VmState.REPROTECTING, VmState.REPROTECTED, VmState.FAILED);
        vm(VmState.ROLLING_BACK, VmState.ROLLED_BACK, VmState.FAILED, VmState.NEEDS_ATTENTION);
        // a rollback step that failed for good waits for an operator; a retry runs the rollback on from there
        vm(VmState.NEEDS_ATTENTION, VmState.ROLLING_BACK);
        for (VmState end : EnumSet.of(VmState.REJECTED, VmState.COMMITTED, VmState.REPROTECTED, VmState.ROLLED_BACK,
                VmState.FAILED)) {
            vm(end);
        }

        JobState[] ends = {JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK, JobState.CANCELLED,
                JobState.FAILED};
        job(JobState.PREFLIGHT, EnumSet.of(JobState.REJECTED, JobState.RUNNING, JobState.CANCELLED));
        // while VMs run, roll back or wait for commit, the job ends in whatever state its VMs add up to
        job(JobState.RUNNING, with(ends, JobState.AWAITING_COMMIT, JobState.ROLLING_BACK, JobState.NEEDS_ATTENTION));
        job(JobState.ROLLING_BACK, with(ends, JobState.AWAITING_COMMIT, JobState.NEEDS_ATTENTION));
        job(JobState.AWAITING_COMMIT, with(ends, JobState.COMMITTING, JobState.ROLLING_BACK, JobState.NEEDS_ATTENTION));
        job(JobState.COMMITTING, with(ends, JobState.REPROTECTING, JobState.NEEDS_ATTENTION));
        job(JobState.REPROTECTING, with(ends, JobState.NEEDS_ATTENTION));
        // instead of an end while a VM's rollback stopped; an operator's retry rolls it back on
        job(JobState.NEEDS_ATTENTION, EnumSet.of(JobState.ROLLING_BACK));
        job(JobState.REJECTED, EnumSet.noneOf(JobState.class));
        for (JobState end : ends) {
            job(end, EnumSet.noneOf(JobState.class));
        }
    }

    private Transitions() {
    }

    static VmState checked(VmState from, VmState to) {
        if (from != to && !VM.get(from).contains(to)) {
            throw new IllegalTransitionException("a VM can't go from " + from + " to " + to);
        }
        return to;
    }

    static JobState checked(JobState from, JobState to) {
        if (from != to && !JOB.get(from).contains(to)) {
            throw new IllegalTransitionException("a job can't go from " + from + " to " + to);
        }
        return to;
    }

    static Set<VmState> allowedFrom(VmState from) {
        return Set.copyOf(VM.get(from));
    }

    static Set<JobState> allowedFrom(JobState from) {
        return Set.copyOf(JOB.get(from));
    }

    private static void vm(VmState from, VmState... to) {
        Set<VmState> next = EnumSet.noneOf(VmState.class);
        next.addAll(java.util.List.of(to));
        VM.put(from, next);
    }

    private static void job(JobState from, Set<JobState> to) {
        JOB.put(from, to);
    }

    private static Set<JobState> with(JobState[] ends, JobState... more) {
        Set<JobState> next = EnumSet.noneOf(JobState.class);
        next.addAll(java.util.List.of(ends));
        next.addAll(java.util.List.of(more));
        return next;
    }
}
