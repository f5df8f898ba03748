package io.failback.dashboard;

import java.time.Instant;
import java.util.Map;

/** The jobs list: one row per job with its state, plan, requester, VM counts, a progress bar and its age; live. */
final class JobsPage {

    private JobsPage() {
    }

    static String render(JobStateStore.Page<JobStateStore.JobView> jobs, boolean caughtUp, Instant now) {
        StringBuilder b = new StringBuilder("<h1>Jobs</h1>");
        if (!caughtUp) {
            b.append("<p class=\"note\" id=\"loading\">Still reading the job-state table; more jobs may appear.</p>");
        }
        b.append("<table id=\"jobs\" data-live=\"/events\"><thead><tr><th>Job</th><th>State</th><th>Plan</th><th>Requested by</th>")
                .append("<th>VMs</th><th>Done</th><th>Failed</th><th>Progress</th><th>Age</th><th>Updated</th></tr></thead><tbody>");
        for (JobStateStore.JobView job : jobs.items()) {
            b.append(row(Rows.job(job, now)));
        }
        b.append("</tbody></table>");
        if (jobs.totalItems() == 0) {
            b.append("<p class=\"note\" id=\"empty\">No job yet. Submit one with failbackctl; it shows here as soon as the orchestrator takes it.</p>");
        }
        b.append(Layout.pager("/?", jobs));
        return Layout.page("Jobs", b.toString());
    }

    /** One job's row; the live script builds the same from the same cells. */
    static String row(Map<String, String> r) {
        int total = Integer.parseInt(r.get("total"));
        int done = Rows.percent(Integer.parseInt(r.get("done")), total);
        int failed = Rows.percent(Integer.parseInt(r.get("failed")), total);
        return "<tr data-job=\"" + Html.text(r.get("jobId")) + "\"><td><a href=\"/jobs/" + Html.path(r.get("jobId")) + "\">"
                + Html.text(r.get("jobId")) + "</a></td>"
                + "<td data-f=\"state\" class=\"state\">" + Html.text(r.get("state")) + "</td>"
                + "<td data-f=\"plan\">" + Html.text(r.get("plan")) + "</td>"
                + "<td data-f=\"requestedBy\">" + Html.text(r.get("requestedBy")) + "</td>"
                + "<td data-f=\"total\" class=\"num\">" + Html.text(r.get("total")) + "</td>"
                + "<td data-f=\"done\" class=\"num\">" + Html.text(r.get("done")) + "</td>"
                + "<td data-f=\"failed\" class=\"num\">" + Html.text(r.get("failed")) + "</td>"
                + "<td>" + bar(done, failed) + "</td>"
                + "<td data-f=\"age\">" + Html.text(r.get("age")) + "</td>"
                + "<td data-f=\"updated\">" + Html.text(r.get("updated")) + "</td></tr>";
    }

    /** A bar of two parts, done and failed, in percent of the whole. */
    static String bar(int donePercent, int failedPercent) {
        return "<div class=\"bar\" title=\"" + donePercent + "% done, " + failedPercent + "% failed\"><div class=\"done\" style=\"width:"
                + donePercent + "%\"></div><div class=\"failed\" style=\"width:" + failedPercent + "%\"></div></div>";
    }
}
