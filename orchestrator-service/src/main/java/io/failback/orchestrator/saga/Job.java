package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.VmState;

/**
 * A failback job's header: the request, its state and counters over its VMs. Its size depends on the
 * number of boot-order groups, never on the number of VMs (those are {@link VmJob} records).
 */
public final class Job {

    String jobId;
    String requestedBy;
    String planId;
    /** What was asked, to tell a repeated request from a conflicting one with the same id. */
    String requestSummary;
    RecoveryPointKind pointKind;
    CommitPolicyKind commitPolicy;
    int commitDelaySeconds;
    /** Null when no reprotect was asked for. */
    String reprotectProcessServer;
    JobState state = JobState.PREFLIGHT;
    int totalVms;
    int groupCount;
    /** The boot-order group allowed to power on now, 1-based. */
    int currentGroup = 1;
    /** Per group (index group - 1): VMs that are neither powered on nor out of the running. */
    List<Integer> groupWaiting = new ArrayList<>();
    /** Per group: VMs that failed or rolled back before powering on. */
    List<Integer> groupFailed = new ArrayList<>();
    Map<VmState, Integer> counts = new EnumMap<>(VmState.class);
    /** The group whose failure stopped later groups from powering on; 0 when none did. */
    int blockedAtGroup;
    /** Auto-commit or auto-rollback due time; 0 for none. */
    long timerAt;
    boolean cancelRequested;
    boolean committed;
    List<Reason> reasons = new ArrayList<>();
    long createdAt;

    Job() {
        // for the store serde
    }

    Job copy() {
        Job c = new Job();
        c.jobId = jobId;
        c.requestedBy = requestedBy;
        c.planId = planId;
        c.requestSummary = requestSummary;
        c.pointKind = pointKind;
        c.commitPolicy = commitPolicy;
        c.commitDelaySeconds = commitDelaySeconds;
        c.reprotectProcessServer = reprotectProcessServer;
        c.state = state;
        c.totalVms = totalVms;
        c.groupCount = groupCount;
        c.currentGroup = currentGroup;
        c.groupWaiting = new ArrayList<>(groupWaiting);
        c.groupFailed = new ArrayList<>(groupFailed);
        c.counts = new EnumMap<>(VmState.class);
        c.counts.putAll(counts);
        c.blockedAtGroup = blockedAtGroup;
        c.timerAt = timerAt;
        c.cancelRequested = cancelRequested;
        c.committed = committed;
        c.reasons = new ArrayList<>(reasons);
        c.createdAt = createdAt;
        return c;
    }

    int count(VmState s) {
        return counts.getOrDefault(s, 0);
    }

    int countOf(VmState... states) {
        int n = 0;
        for (VmState s : states) {
            n += count(s);
        }
        return n;
    }

    public String jobId() { return jobId; }
    public String requestedBy() { return requestedBy; }
    public JobState state() { return state; }
    public int totalVms() { return totalVms; }
    public int groupCount() { return groupCount; }
    public int currentGroup() { return currentGroup; }
    public long timerAt() { return timerAt; }
    public List<Reason> reasons() { return List.copyOf(reasons); }
    public Map<VmState, Integer> counts() { return Map.copyOf(counts); }

    public boolean isFinished() {
        return switch (state) {
            case REJECTED, COMPLETED, PARTIALLY_COMPLETED, ROLLED_BACK, CANCELLED, FAILED -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "Job[" + jobId + " " + state + " group " + currentGroup + "/" + groupCount + " " + counts + "]";
    }
}
