package io.failback.ctl.view;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditRecord;
import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.JobStatus;
import io.failback.messages.Reason;
import io.failback.messages.VmStatus;

/**
 * The rows {@code --output json|csv} prints: jobs, a job's VMs, audit records, as named fields. JSON and CSV
 * carry the same fields under the same names, in the order of the column lists, which scripts may rely on.
 */
public final class Exports {

    /** A job's fields: one row of {@code jobs}, the head of {@code show}. */
    public static final List<String> JOB_COLUMNS = List.of("jobId", "state", "planId", "requestedBy", "recoveryPoint",
            "commitPolicy", "totalVms", "groupCount", "currentGroup", "vmsDone", "vmsFailed", "reasons", "updated", "approvedBy");
    /** A VM's fields: one row of {@code show}; the point is the applied one once there is one, else the chosen one. */
    public static final List<String> VM_COLUMNS = List.of("jobId", "vmId", "group", "state", "step", "pointId",
            "pointConsistency", "pointTime", "pointGroup", "pointApplied", "dataLossMillis", "reasons");
    /** An audit record's fields: one row of {@code audit}. */
    public static final List<String> AUDIT_COLUMNS = List.of("at", "jobId", "vmId", "commandId", "kind", "requestedBy",
            "action", "detail");

    private Exports() {
    }

    public static List<Map<String, Object>> jobs(Collection<JobSnapshot> jobs) {
        return jobs.stream().map(Exports::job).toList();
    }

    public static Map<String, Object> job(JobSnapshot s) {
        Map<String, Object> row = new LinkedHashMap<>();
        JobStatus j = s.job();
        row.put("jobId", s.jobId());
        row.put("state", j == null ? null : j.getState());
        row.put("planId", j == null ? null : j.getPlanId());
        row.put("requestedBy", j == null ? null : j.getRequestedBy());
        row.put("recoveryPoint", j == null ? null : j.getRecoveryPoint());
        row.put("approvedBy", j == null ? null : j.getApprovedBy());
        row.put("commitPolicy", j == null ? null : j.getCommitPolicy());
        row.put("totalVms", j == null ? s.vms().size() : j.getTotalVms());
        row.put("groupCount", j == null ? null : j.getGroupCount());
        row.put("currentGroup", j == null ? null : j.getCurrentGroup());
        row.put("vmsDone", j == null ? null : j.getVmsDone());
        row.put("vmsFailed", j == null ? null : j.getVmsFailed());
        row.put("reasons", j == null ? List.of() : reasons(j.getReasons()));
        row.put("updated", s.lastUpdate());
        return row;
    }

    /** {@code show --output json}: the job's fields and its VMs under {@code vms}. */
    public static Map<String, Object> show(JobSnapshot s) {
        Map<String, Object> job = job(s);
        job.put("vms", vms(s));
        return job;
    }

    public static List<Map<String, Object>> vms(JobSnapshot s) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (VmStatus vm : s.vms()) {
            ChosenRecoveryPoint p = vm.getAppliedPoint() != null ? vm.getAppliedPoint() : vm.getRecoveryPoint();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("jobId", s.jobId());
            row.put("vmId", vm.getVmId());
            row.put("group", vm.getGroup());
            row.put("state", vm.getState());
            row.put("step", vm.getStep());
            row.put("pointId", p == null ? null : p.getPointId());
            row.put("pointConsistency", p == null ? null : p.getConsistency());
            row.put("pointTime", p == null ? null : p.getTime());
            row.put("pointGroup", p == null ? null : p.getConsistencyId());
            row.put("pointApplied", vm.getAppliedPoint() != null);
            row.put("dataLossMillis", p == null ? null : p.getDataLossWindowMillis());
            row.put("reasons", reasons(vm.getReasons()));
            rows.add(row);
        }
        return rows;
    }

    public static List<Map<String, Object>> audit(List<AuditRecord> records) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AuditRecord a : records) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", a.getAt());
            row.put("jobId", a.getJobId());
            row.put("vmId", a.getVmId());
            row.put("commandId", a.getCommandId());
            row.put("kind", a.getKind());
            row.put("requestedBy", a.getRequestedBy());
            row.put("action", a.getAction());
            row.put("detail", a.getDetail());
            rows.add(row);
        }
        return rows;
    }

    private static List<String> reasons(List<Reason> reasons) {
        return reasons == null ? List.of() : reasons.stream().map(Formats::reason).toList();
    }
}
