package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.ClaimAction;
import io.failback.messages.JobStatus;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VmClaim;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;

/**
 * What the saga decided for one incoming message: the job and VM records to store, the commands,
 * claims, status events and audit records to send, and follow-up work over the job's other VMs.
 * It only collects; every choice is made by the sagas that write to it.
 */
public final class Decision {

    private final long now;
    private final Job before;
    private Job job;
    private final Map<String, VmJob> vms = new LinkedHashMap<>();
    /** Each changed VM as last recorded, to count every state change exactly once. */
    private final Map<String, VmJob> snapshots = new HashMap<>();
    /** What it sends: commands, claims, statuses and audits, in the order decided. */
    private final Outbox out = new Outbox();
    private final List<Followup> followups = new ArrayList<>();

    Decision(Job job, long now) {
        this.now = now;
        this.before = job;
        this.job = job;
    }

    // ------------------------------------------------------------------ read by the caller

    /** The job to store; null when the message concerned no job. */
    public Job job() { return job; }
    /** True when the job record differs from the one given. */
    public boolean jobChanged() { return job != null && !job.equals(before); }
    public Map<String, VmJob> vms() { return vms; }
    /** What it sends. */
    Outbox outbox() { return out; }
    public List<VcenterCommand> vcenterCommands() { return out.vcenterCommands; }
    public List<AzureCommand> azureCommands() { return out.azureCommands; }
    public List<ReplicationCommand> replicationCommands() { return out.replicationCommands; }
    public List<VmClaim> claims() { return out.claims; }
    public List<StatusEvent> statuses() { return out.statuses; }
    public List<AuditRecord> audits() { return out.audits; }
    public List<Followup> followups() { return followups; }

    // ------------------------------------------------------------------ written by the saga

    long now() { return now; }

    Job working() { return job; }

    /**
     * Keeps {@code job} to store; one that has just reached its end state is stamped with this decision's time, from
     * which its VM records are kept for the retention (failback.orchestrator.ended-job-retention).
     */
    void setJob(Job job) {
        this.job = job != null && job.isFinished() && job.endedAt() == 0 ? job.withEndedAt(now) : job;
    }

    /** Registers the stored record of a VM this decision is about to change. */
    void track(VmJob stored) {
        snapshots.putIfAbsent(stored.vmId(), stored);
    }

    /** The VM as last recorded by this decision, or as stored before it; null for a VM new to the store. */
    VmJob recorded(String vmId) {
        return snapshots.get(vmId);
    }

    /** Keeps {@code vm} to store. */
    void put(VmJob vm) {
        vms.put(vm.vmId(), vm);
        snapshots.put(vm.vmId(), vm);
    }

    void vcenter(VcenterCommand c) { out.vcenterCommands.add(c); }
    void azure(AzureCommand c) { out.azureCommands.add(c); }
    void replication(ReplicationCommand c) { out.replicationCommands.add(c); }

    void claim(String vmId, ClaimAction action) {
        out.claims.add(new VmClaim(job.jobId(), vmId, action));
    }

    void followup(Followup f) { followups.add(f); }

    void audit(AuditKind kind, String vmId, String commandId, String requestedBy, String action, String detail) {
        out.audits.add(new AuditRecord(job != null ? job.jobId() : "", vmId, commandId, Instant.ofEpochMilli(now),
                requestedBy != null ? requestedBy : (job != null ? job.requestedBy() : ""), kind, action, detail));
    }

    void auditFor(String jobId, AuditKind kind, String requestedBy, String action, String detail) {
        out.audits.add(new AuditRecord(jobId, null, null, Instant.ofEpochMilli(now), requestedBy, kind, action, detail));
    }

    void jobStatus() {
        out.statuses.add(new StatusEvent(job.jobId(), Instant.ofEpochMilli(now), jobStatus(job), null));
    }

    // status records are made with their all-arguments constructors, in the schema's field order: a builder copies the
    // schema's fields and checks each value again for every record (DecisionStatusTest compares them with builders' records)
    static JobStatus jobStatus(Job job) {
        return new JobStatus(job.state(), job.jobId(), job.requestedBy(), job.planId(), job.pointKind(), job.commitPolicy(),
                job.totalVms(), job.groupCount(), job.currentGroup(),
                job.countOf(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING, VmState.COMMITTED, VmState.REPROTECTING,
                        VmState.REPROTECTED),
                job.countOf(VmState.REJECTED, VmState.FAILED, VmState.ROLLED_BACK, VmState.NEEDS_ATTENTION),
                job.reasons().isEmpty() ? List.of() : job.reasons().stream().map(Reason::toMessage).toList(), job.approvedBy());
    }

    void vmStatus(VmJob vm) {
        out.statuses.add(vmStatusEvent(vm));
    }

    private StatusEvent vmStatusEvent(VmJob vm) {
        ChosenPoint p = vm.point();
        VmStatus status = new VmStatus(vm.vmId(), vm.group(), vm.state(), vm.step(), p == null ? null
                : new ChosenRecoveryPoint(p.pointId(), Instant.ofEpochMilli(p.time()), p.consistency(), p.consistencyId(),
                p.dataLossWindowMillis()), vm.reasons().isEmpty() ? List.of() : vm.reasons().stream().map(Reason::toMessage).toList(),
                PointApplication.message(vm.appliedPoint()));
        return new StatusEvent(vm.jobId(), Instant.ofEpochMilli(now), null, status);
    }
}
