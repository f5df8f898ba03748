package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.JobState;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.VmState;

/**
 * A failback job's header: the request, its state and counters over its VMs. Its size depends on the
 * number of boot-order groups, never on the number of VMs (those are {@link VmJob} records). Immutable:
 * every change is a new record, so a decision can't alter what the store holds; what was requested never
 * changes, so only the job's progress has {@code with} methods.
 *
 * @param requestSummary what was asked, to tell a repeated request from a conflicting one with the same id
 * @param reprotectProcessServer null when no reprotect was asked for
 * @param currentGroup the boot-order group allowed to power on now, 1-based
 * @param groupWaiting per group (index group - 1): VMs that are neither powered on nor out of the running
 * @param groupFailed per group: VMs that failed or rolled back before powering on
 * @param blockedAtGroup the group whose failure stopped later groups from powering on; 0 when none did
 * @param timerAt auto-commit or auto-rollback due time; 0 for none
 * @param approvedBy the verified operator whose commit was accepted ("auto-commit" for the policy's); null before
 * @param recentControls the ids of the last {@link #MAX_RECENT_CONTROLS} control commands the job took, newest last:
 *                       a replay of one is refused and changes nothing
 * @param endedAt when the job reached its end state ({@link #isFinished}), set by {@link Decision}; 0 before, and for a
 *                job stored before this was kept
 */
public record Job(String jobId, String requestedBy, String planId, String requestSummary, RecoveryPointKind pointKind,
                  CommitPolicyKind commitPolicy, int commitDelaySeconds, String reprotectProcessServer, JobState state,
                  int totalVms, int groupCount, int currentGroup, List<Integer> groupWaiting, List<Integer> groupFailed,
                  Map<VmState, Integer> counts, int blockedAtGroup, long timerAt, boolean cancelRequested,
                  boolean committed, List<Reason> reasons, long createdAt, String approvedBy, List<String> recentControls,
                  long endedAt) {

    /** Far more controls than a job takes within a signature's skew, the window in which a replay verifies. */
    static final int MAX_RECENT_CONTROLS = 32;

    public Job {
        recentControls = recentControls == null ? List.of() : List.copyOf(recentControls);
        groupWaiting = groupWaiting == null ? List.of() : List.copyOf(groupWaiting);
        groupFailed = groupFailed == null ? List.of() : List.copyOf(groupFailed);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        EnumMap<VmState, Integer> c = new EnumMap<>(VmState.class);
        if (counts != null) {
            c.putAll(counts);
        }
        counts = Collections.unmodifiableMap(c);
    }

    /** A job before anyone approved it and before any control command. */
    public Job(String jobId, String requestedBy, String planId, String requestSummary, RecoveryPointKind pointKind,
               CommitPolicyKind commitPolicy, int commitDelaySeconds, String reprotectProcessServer, JobState state,
               int totalVms, int groupCount, int currentGroup, List<Integer> groupWaiting, List<Integer> groupFailed,
               Map<VmState, Integer> counts, int blockedAtGroup, long timerAt, boolean cancelRequested,
               boolean committed, List<Reason> reasons, long createdAt) {
        this(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds, reprotectProcessServer, state,
                totalVms, groupCount, currentGroup, groupWaiting, groupFailed, counts, blockedAtGroup, timerAt, cancelRequested,
                committed, reasons, createdAt, null, List.of(), 0);
    }

    /** A job without its end time ({@code endedAt} 0): one not ended yet, or one stored before that time was kept. */
    public Job(String jobId, String requestedBy, String planId, String requestSummary, RecoveryPointKind pointKind,
               CommitPolicyKind commitPolicy, int commitDelaySeconds, String reprotectProcessServer, JobState state,
               int totalVms, int groupCount, int currentGroup, List<Integer> groupWaiting, List<Integer> groupFailed,
               Map<VmState, Integer> counts, int blockedAtGroup, long timerAt, boolean cancelRequested,
               boolean committed, List<Reason> reasons, long createdAt, String approvedBy, List<String> recentControls) {
        this(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds, reprotectProcessServer, state,
                totalVms, groupCount, currentGroup, groupWaiting, groupFailed, counts, blockedAtGroup, timerAt, cancelRequested,
                committed, reasons, createdAt, approvedBy, recentControls, 0);
    }

    /** A job as requested, in preflight, before its VMs are counted. */
    static Job requested(String jobId, String requestedBy, String planId, String requestSummary, RecoveryPointKind pointKind,
                         CommitPolicyKind commitPolicy, int commitDelaySeconds, String reprotectProcessServer, long createdAt) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, JobState.PREFLIGHT, 0, 0, 1, List.of(), List.of(), Map.of(), 0, 0, false, false,
                List.of(), createdAt);
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

    public boolean isFinished() {
        return switch (state) {
            case REJECTED, COMPLETED, PARTIALLY_COMPLETED, ROLLED_BACK, CANCELLED, FAILED -> true;
            default -> false;
        };
    }

    /** This job in {@code state}; a change {@link Transitions} doesn't allow throws {@link IllegalTransitionException}. */
    Job withState(JobState state) {
        Transitions.checked(this.state, state);
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed, counts,
                blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    /** This job with one more reason. */
    Job withReason(Reason reason) {
        List<Reason> more = new ArrayList<>(reasons);
        more.add(reason);
        return withReasons(more);
    }

    /**
     * This job with its counters moved from a VM's last recorded state to its new one: counts per state, and
     * per boot group the VMs still waiting to power on and those that dropped out before.
     */
    Job counting(VmJob previous, VmJob updated) {
        Map<VmState, Integer> c = new EnumMap<>(VmState.class);
        c.putAll(counts);
        if (previous == null) {
            c.merge(updated.state(), 1, Integer::sum);
            return withCounts(c);
        }
        if (previous.state() == updated.state()) {
            return this;
        }
        c.merge(previous.state(), -1, Integer::sum);
        c.merge(updated.state(), 1, Integer::sum);
        Job moved = withCounts(c);
        if (VmJob.beforePowerOn(previous.state()) && !VmJob.beforePowerOn(updated.state())) {
            int i = updated.group() - 1;
            List<Integer> waiting = new ArrayList<>(groupWaiting);
            waiting.set(i, waiting.get(i) - 1);
            moved = moved.withGroupWaiting(waiting);
            if (updated.state() != VmState.FAILED_BACK_AWAITING_COMMIT) {
                List<Integer> failed = new ArrayList<>(groupFailed);
                failed.set(i, failed.get(i) + 1);
                moved = moved.withGroupFailed(failed);
            }
        }
        return moved;
    }

    Job withTotalVms(int totalVms) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withGroupCount(int groupCount) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withCurrentGroup(int currentGroup) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withGroupWaiting(List<Integer> groupWaiting) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withGroupFailed(List<Integer> groupFailed) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withCounts(Map<VmState, Integer> counts) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withBlockedAtGroup(int blockedAtGroup) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withTimerAt(long timerAt) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withCancelRequested(boolean cancelRequested) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withCommitted(boolean committed) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withReasons(List<Reason> reasons) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    Job withApprovedBy(String approvedBy) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    /** This job as ended at {@code endedAt} (epoch ms). */
    Job withEndedAt(long endedAt) {
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, recentControls, endedAt);
    }

    /** This job having taken the control command {@code controlId}: the oldest remembered one goes past the bound. */
    Job withControlSeen(String controlId) {
        List<String> seen = new ArrayList<>(recentControls);
        seen.add(controlId);
        while (seen.size() > MAX_RECENT_CONTROLS) {
            seen.remove(0);
        }
        return new Job(jobId, requestedBy, planId, requestSummary, pointKind, commitPolicy, commitDelaySeconds,
                reprotectProcessServer, state, totalVms, groupCount, currentGroup, groupWaiting, groupFailed,
                counts, blockedAtGroup, timerAt, cancelRequested, committed, reasons, createdAt, approvedBy, seen, endedAt);
    }

    @Override
    public String toString() {
        return "Job[" + jobId + " " + state + " group " + currentGroup + "/" + groupCount + " " + counts + "]";
    }
}
