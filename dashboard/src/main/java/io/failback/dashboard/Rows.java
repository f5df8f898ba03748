package io.failback.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.JobStatus;
import io.failback.messages.Reason;
import io.failback.messages.VmStatus;

/**
 * The cells of a job row and a VM row, as text, each cut to a bound: the same values are rendered in the page
 * and sent in live updates, so a row looks the same either way. Not escaped here; HTML escapes at rendering,
 * and the page's script sets them as text, never as markup.
 */
final class Rows {

    /** The most reasons a VM cell shows; more are counted. */
    static final int MAX_REASONS = 5;
    static final int MAX_ID_CHARS = 120;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Rows() {
    }

    /** A VM's cells: id, group, state, step, the recovery point applied (else chosen), its data loss, reasons. */
    static Map<String, String> vm(VmStatus vm) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("vmId", Html.cut(vm.getVmId(), MAX_ID_CHARS));
        row.put("group", String.valueOf(vm.getGroup()));
        row.put("state", String.valueOf(vm.getState()));
        row.put("step", String.valueOf(vm.getStep()));
        ChosenRecoveryPoint point = vm.getAppliedPoint() != null ? vm.getAppliedPoint() : vm.getRecoveryPoint();
        row.put("point", point(point, vm.getAppliedPoint() != null));
        row.put("dataLoss", point == null ? "-" : duration(Duration.ofMillis(point.getDataLossWindowMillis())));
        row.put("reasons", reasons(vm.getReasons()));
        return row;
    }

    /** A job's cells for the list: state, plan, requester, counts, progress in percent, age and last update. */
    static Map<String, String> job(JobStateStore.JobView job, Instant now) {
        Map<String, String> row = new LinkedHashMap<>();
        JobStatus s = job.status();
        row.put("jobId", Html.cut(job.jobId(), MAX_ID_CHARS));
        row.put("state", s == null ? "UNKNOWN" : s.getState().name());
        row.put("plan", s == null || s.getPlanId() == null ? "-" : Html.cut(s.getPlanId(), MAX_ID_CHARS));
        row.put("requestedBy", s == null ? "-" : Html.cut(s.getRequestedBy(), MAX_ID_CHARS));
        row.put("approvedBy", s == null || s.getApprovedBy() == null ? "-" : Html.cut(s.getApprovedBy(), MAX_ID_CHARS));
        int total = s == null ? job.vmsSeen() : Math.max(s.getTotalVms(), 0);
        int done = s == null ? 0 : Math.max(s.getVmsDone(), 0);
        int failed = s == null ? 0 : Math.max(s.getVmsFailed(), 0);
        row.put("total", String.valueOf(total));
        row.put("done", String.valueOf(done));
        row.put("failed", String.valueOf(failed));
        row.put("percent", String.valueOf(percent(done + failed, total)));
        row.put("age", duration(Duration.between(job.firstSeen(), now)));
        row.put("updated", TIME.format(job.updated()));
        row.put("reasons", s == null ? "" : reasons(s.getReasons()));
        return row;
    }

    static int percent(int part, int total) {
        if (total <= 0) {
            return 0;
        }
        return (int) Math.max(0, Math.min(100, Math.round(100.0 * part / total)));
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    static String point(ChosenRecoveryPoint p, boolean applied) {
        if (p == null) {
            return "-";
        }
        return Html.cut(p.getPointId(), MAX_ID_CHARS) + " " + p.getConsistency() + " at " + TIME.format(p.getTime())
                + (applied ? "" : " (chosen)");
    }

    static String reasons(List<Reason> reasons) {
        if (reasons == null || reasons.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(reasons.size(), MAX_REASONS); i++) {
            Reason r = reasons.get(i);
            out.append(i == 0 ? "" : "; ").append(r.getCode()).append(": ").append(Html.cut(r.getMessage(), Html.MAX_CELL_CHARS));
        }
        if (reasons.size() > MAX_REASONS) {
            out.append("; and ").append(reasons.size() - MAX_REASONS).append(" more");
        }
        return out.toString();
    }

    /** A duration as people read it: "0s", "42s", "3m 05s", "2h 04m", "3d 2h". */
    static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format("%dd %dh", s / 86_400, (s % 86_400) / 3600);
    }
}
