package io.failback.ctl.view;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.failback.messages.JobStatus;
import io.failback.messages.Reason;
import io.failback.messages.VmStatus;

/** Renders jobs and VMs as the lines the commands print: the job list, a job's details, watch lines. */
public final class Reports {

    private final ZoneId zone;

    public Reports(ZoneId zone) {
        this.zone = zone;
    }

    /** {@code jobs}: one row per job with its latest state and counts. */
    public List<String> jobs(Collection<JobSnapshot> jobs) {
        TextTable table = new TextTable("JOB", "STATE", "PLAN", "VMS", "DONE", "FAILED", "REQUESTED BY", "UPDATED");
        for (JobSnapshot s : jobs) {
            JobStatus j = s.job();
            if (j == null) {
                table.row(s.jobId(), "UNKNOWN", "-", s.vms().size(), "-", "-", "-", Formats.dateTime(s.lastUpdate(), zone));
            } else {
                table.row(s.jobId(), j.getState(), j.getPlanId(), j.getTotalVms(), j.getVmsDone(), j.getVmsFailed(),
                        j.getRequestedBy(), Formats.dateTime(s.lastUpdate(), zone));
            }
        }
        return table.lines();
    }

    /** {@code show}: the job's header, its reasons, then every VM with state, step, point, data loss, reasons. */
    public List<String> show(JobSnapshot s) {
        List<String> lines = new ArrayList<>(header(s));
        lines.add("");
        TextTable table = new TextTable("VM", "GROUP", "STATE", "STEP", "RECOVERY POINT", "DATA LOSS", "REASONS");
        for (VmStatus vm : s.vms()) {
            table.row(vm.getVmId(), vm.getGroup(), vm.getState(), vm.getStep(), Formats.recoveryPoint(point(vm), zone),
                    Formats.dataLoss(point(vm)), Formats.reasons(vm.getReasons()));
        }
        lines.addAll(table.lines());
        return lines;
    }

    /**
     * The point to show: the one the replication engine applied (its data loss counted from the Azure VM's
     * shutdown) once there is one, else the one chosen at preflight.
     */
    private static io.failback.messages.ChosenRecoveryPoint point(VmStatus vm) {
        return vm.getAppliedPoint() != null ? vm.getAppliedPoint() : vm.getRecoveryPoint();
    }

    /** The end of a watch: every VM's outcome, then the job's header. */
    public List<String> summary(JobSnapshot s) {
        List<String> lines = new ArrayList<>();
        TextTable table = new TextTable("VM", "GROUP", "STATE", "RECOVERY POINT", "DATA LOSS", "REASONS");
        for (VmStatus vm : s.vms()) {
            table.row(vm.getVmId(), vm.getGroup(), vm.getState(), Formats.recoveryPoint(point(vm), zone),
                    Formats.dataLoss(point(vm)), Formats.reasons(vm.getReasons()));
        }
        lines.addAll(table.lines());
        lines.add("");
        lines.addAll(header(s));
        return lines;
    }

    /** The job's state, requester, options and counts, with its reasons. */
    public List<String> header(JobSnapshot s) {
        List<String> lines = new ArrayList<>();
        JobStatus j = s.job();
        if (j == null) {
            lines.add("job " + s.jobId() + ": no job status published yet (" + s.vms().size() + " VMs seen)");
            return lines;
        }
        lines.add("job " + s.jobId() + ": " + j.getState());
        lines.add("  requested by " + j.getRequestedBy()
                + (j.getPlanId() == null ? "" : ", plan " + j.getPlanId())
                + ", recovery point " + j.getRecoveryPoint() + ", commit " + j.getCommitPolicy());
        if (j.getApprovedBy() != null) {
            lines.add("  commit approved by " + j.getApprovedBy());
        }
        lines.add("  " + j.getTotalVms() + " VMs in " + j.getGroupCount() + (j.getGroupCount() == 1 ? " group" : " groups")
                + (j.getCurrentGroup() > 0 ? " (now group " + j.getCurrentGroup() + ")" : "")
                + ": " + j.getVmsDone() + " done, " + j.getVmsFailed() + " failed");
        for (Reason r : j.getReasons()) {
            lines.add("  reason " + Formats.reason(r));
        }
        return lines;
    }

    /** A watch line for a job status: "10:00:01  job j-1  RUNNING  group 1/3  3/24 done  0 failed". */
    public String jobLine(JobStatus j, String jobId, Instant at) {
        StringBuilder b = new StringBuilder(Formats.timeOfDay(at, zone)).append("  job ").append(jobId).append("  ").append(j.getState());
        if (j.getGroupCount() > 0 && j.getCurrentGroup() > 0) {
            b.append("  group ").append(j.getCurrentGroup()).append('/').append(j.getGroupCount());
        }
        b.append("  ").append(j.getVmsDone()).append('/').append(j.getTotalVms()).append(" done  ")
                .append(j.getVmsFailed()).append(" failed");
        if (j.getApprovedBy() != null) {
            b.append("  approved by ").append(j.getApprovedBy());
        }
        if (!j.getReasons().isEmpty()) {
            b.append("  ").append(Formats.reasons(j.getReasons()));
        }
        return b.toString();
    }

    /** A watch line for a VM status: "10:00:02  vm-07  group 2  FAILING_BACK  ATTACH_TO_ON_PREMISES_VM". */
    public String vmLine(VmStatus vm, Instant at) {
        StringBuilder b = new StringBuilder(Formats.timeOfDay(at, zone)).append("  ").append(vm.getVmId())
                .append("  group ").append(vm.getGroup()).append("  ").append(vm.getState());
        if (vm.getStep() != null && vm.getStep() != io.failback.messages.Step.NONE) {
            b.append("  ").append(vm.getStep());
        }
        if (point(vm) != null && Outcomes.VM_DONE.contains(vm.getState())) {
            b.append("  data loss ").append(Formats.dataLoss(point(vm)));
        }
        if (!vm.getReasons().isEmpty()) {
            b.append("  ").append(Formats.reasons(vm.getReasons()));
        }
        return b.toString();
    }
}
