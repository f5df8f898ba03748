package io.failback.ctl.view;

import java.time.Instant;
import java.util.List;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.Reason;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;

/** Test data: status events as the orchestrator publishes them, one second apart from 10:00:00 UTC. */
public final class StatusEvents {

    public static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

    private final String jobId;
    private Instant clock = START;
    private String planId = "plan-erp";
    private int totalVms = 3;
    private int groupCount = 2;

    public StatusEvents(String jobId) {
        this.jobId = jobId;
    }

    public StatusEvents plan(String plan, int vms, int groups) {
        this.planId = plan;
        this.totalVms = vms;
        this.groupCount = groups;
        return this;
    }

    public StatusEvent job(JobState state, int currentGroup, int done, int failed, Reason... reasons) {
        JobStatus status = JobStatus.newBuilder().setState(state).setRequestId(jobId).setRequestedBy("alice")
                .setPlanId(planId).setRecoveryPoint(RecoveryPointKind.LATEST_APP_CONSISTENT)
                .setCommitPolicy(CommitPolicyKind.MANUAL).setTotalVms(totalVms).setGroupCount(groupCount)
                .setCurrentGroup(currentGroup).setVmsDone(done).setVmsFailed(failed).setReasons(List.of(reasons)).build();
        return StatusEvent.newBuilder().setJobId(jobId).setAt(tick()).setJob(status).build();
    }

    public StatusEvent vm(String vmId, int group, VmState state, Step step, Reason... reasons) {
        return vm(vmId, group, state, step, null, reasons);
    }

    public StatusEvent vm(String vmId, int group, VmState state, Step step, ChosenRecoveryPoint point, Reason... reasons) {
        VmStatus status = VmStatus.newBuilder().setVmId(vmId).setGroup(group).setState(state).setStep(step)
                .setRecoveryPoint(point).setReasons(List.of(reasons)).build();
        return StatusEvent.newBuilder().setJobId(jobId).setAt(tick()).setVm(status).build();
    }

    public static ChosenRecoveryPoint appConsistent(String pointId, String consistencyId, long dataLossMillis) {
        return new ChosenRecoveryPoint(pointId, START.minusMillis(dataLossMillis), Consistency.APP_CONSISTENT, consistencyId,
                dataLossMillis);
    }

    public static Reason reason(ReasonCode code, String message) {
        return new Reason(code, message);
    }

    private Instant tick() {
        Instant at = clock;
        clock = clock.plusSeconds(1);
        return at;
    }
}
