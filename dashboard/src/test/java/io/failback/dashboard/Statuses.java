package io.failback.dashboard;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
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

/** Test data: job and VM status events and audit records as the orchestrator writes them. */
final class Statuses {

    static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    private Statuses() {
    }

    static StatusEvent job(String jobId, JobState state, int total, int done, int failed, Reason... reasons) {
        JobStatus status = JobStatus.newBuilder().setState(state).setRequestId(jobId).setRequestedBy("ops-alice").setPlanId("plan-orders")
                .setRecoveryPoint(RecoveryPointKind.LATEST).setCommitPolicy(CommitPolicyKind.MANUAL).setTotalVms(total).setGroupCount(3)
                .setCurrentGroup(1).setVmsDone(done).setVmsFailed(failed).setReasons(List.of(reasons)).build();
        return StatusEvent.newBuilder().setJobId(jobId).setAt(T0).setJob(status).build();
    }

    static StatusEvent vm(String jobId, String vmId, int group, VmState state, Step step, Reason... reasons) {
        ChosenRecoveryPoint point = ChosenRecoveryPoint.newBuilder().setPointId("rp-" + vmId).setTime(T0.minusSeconds(65))
                .setConsistency(Consistency.CRASH_CONSISTENT).setDataLossWindowMillis(65_000).build();
        VmStatus vm = VmStatus.newBuilder().setVmId(vmId).setGroup(group).setState(state).setStep(step).setRecoveryPoint(point)
                .setReasons(List.of(reasons)).build();
        return StatusEvent.newBuilder().setJobId(jobId).setAt(T0.plusSeconds(group)).setVm(vm).build();
    }

    static Reason reason(ReasonCode code, String message) {
        return new Reason(code, message);
    }

    static AuditRecord audit(String jobId, String vmId, AuditKind kind, String action, String detail, int second) {
        return AuditRecord.newBuilder().setJobId(jobId).setVmId(vmId).setCommandId(vmId == null ? null : "cmd-" + vmId + "-" + second)
                .setAt(T0.plusSeconds(second)).setRequestedBy("ops-alice").setKind(kind).setAction(action).setDetail(detail).build();
    }
}
