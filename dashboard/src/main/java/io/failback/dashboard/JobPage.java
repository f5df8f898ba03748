package io.failback.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.failback.messages.JobState;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;

/**
 * A job's page: its header and actions, a progress bar per boot group, and one page of its VMs (filtered by state
 * and group) with state, step, recovery point, data loss and reasons. The live script keeps it current.
 */
final class JobPage {

    /** The job states in which each action can be taken; the buttons show only then. */
    static final Map<String, List<JobState>> ACTION_STATES = Map.of(
            "COMMIT", List.of(JobState.AWAITING_COMMIT),
            "CANCEL", List.of(JobState.PREFLIGHT, JobState.RUNNING, JobState.AWAITING_COMMIT),
            "RETRY", List.of(JobState.NEEDS_ATTENTION));

    private JobPage() {
    }

    /** What the page shows: the job, its groups, one page of VMs, the filter, and a notice of a command just sent. */
    record Model(JobStateStore.JobView job, List<JobStateStore.GroupProgress> groups, JobStateStore.Page<VmStatus> vms,
                 JobStateStore.VmFilter filter, String notice) {
    }

    static String render(Model m, Instant now) {
        String id = m.job().jobId();
        Map<String, String> j = Rows.job(m.job(), now);
        StringBuilder b = new StringBuilder();
        String query = filterQuery(m.filter());
        b.append("<section id=\"job\" data-live=\"/jobs/").append(Html.path(id)).append("/events?").append(Html.escape(query))
                .append("page=").append(m.vms().page() + 1).append("\">");
        b.append("<h1>Job ").append(Html.text(id)).append(" <span id=\"job-state\" class=\"state\">").append(Html.text(j.get("state")))
                .append("</span></h1>");
        b.append("<p class=\"facts\">Plan <span>").append(Html.text(j.get("plan"))).append("</span> \u00b7 requested by <span>")
                .append(Html.text(j.get("requestedBy"))).append("</span> \u00b7 commit approved by <span id=\"job-approved\">")
                .append(Html.text(j.get("approvedBy"))).append("</span> \u00b7 <span id=\"job-done\">").append(Html.text(j.get("done")))
                .append("</span> of <span id=\"job-total\">").append(Html.text(j.get("total"))).append("</span> VMs done, <span id=\"job-failed\">")
                .append(Html.text(j.get("failed"))).append("</span> failed \u00b7 age <span id=\"job-age\">").append(Html.text(j.get("age"))).append("</span>")
                .append(" \u00b7 updated <span id=\"job-updated\">").append(Html.text(j.get("updated"))).append("</span></p>");
        b.append("<p class=\"reasons\" id=\"job-reasons\">").append(Html.text(j.get("reasons"), 2000)).append("</p>");
        if (m.notice() != null) {
            b.append("<p class=\"notice\" id=\"notice\">").append(Html.text(m.notice(), 500)).append("</p>");
        }
        b.append(actions(id, m.job().status() == null ? null : m.job().status().getState()));
        b.append("<h2>Boot groups</h2><div id=\"groups\">");
        for (JobStateStore.GroupProgress g : m.groups()) {
            b.append(group(g));
        }
        b.append("</div></section>");
        b.append(filters(id, m));
        b.append("<table id=\"vms\"><thead><tr><th>VM</th><th>Group</th><th>State</th><th>Step</th><th>Recovery point</th>")
                .append("<th>Data loss</th><th>Reasons</th><th>Audit</th></tr></thead><tbody>");
        for (VmStatus vm : m.vms().items()) {
            b.append(vmRow(id, Rows.vm(vm)));
        }
        b.append("</tbody></table>");
        if (m.vms().totalItems() == 0) {
            b.append("<p class=\"note\">No VM matches.</p>");
        }
        b.append(Layout.pager("/jobs/" + Html.path(id) + "?" + Html.escape(query), m.vms()));
        return Layout.page("Job " + id, b.toString());
    }

    private static String actions(String jobId, JobState state) {
        StringBuilder b = new StringBuilder("<p class=\"actions\"><a class=\"button\" href=\"/jobs/").append(Html.path(jobId))
                .append("/audit\" id=\"audit-link\">Audit trail</a> ");
        for (String action : List.of("COMMIT", "CANCEL", "RETRY")) {
            List<JobState> when = ACTION_STATES.get(action);
            b.append("<a class=\"button action\" id=\"").append(action.toLowerCase(java.util.Locale.ROOT)).append("\" href=\"/jobs/")
                    .append(Html.path(jobId)).append("/confirm?action=").append(action).append("\" data-states=\"")
                    .append(String.join(" ", when.stream().map(Enum::name).toList())).append("\"")
                    .append(when.contains(state) ? "" : " hidden").append(">")
                    .append(action.charAt(0)).append(action.substring(1).toLowerCase(java.util.Locale.ROOT)).append("\u2026</a> ");
        }
        return b.append("</p>").toString();
    }

    static String group(JobStateStore.GroupProgress g) {
        return "<div class=\"group\" data-group=\"" + g.group() + "\" data-done=\"" + g.done() + "\" data-failed=\"" + g.failed()
                + "\" data-total=\"" + g.total() + "\"><span class=\"label\">Group " + g.group() + "</span>"
                + JobsPage.bar(Rows.percent(g.done(), g.total()), Rows.percent(g.failed(), g.total()))
                + "<span class=\"count\">" + g.done() + " of " + g.total() + " done, " + g.failed() + " failed</span></div>";
    }

    private static String filters(String jobId, Model m) {
        StringBuilder b = new StringBuilder("<form class=\"filters\" method=\"get\" action=\"/jobs/").append(Html.path(jobId))
                .append("\"><label>State <select name=\"state\" id=\"filter-state\"><option value=\"\">any</option>");
        for (VmState s : VmState.values()) {
            b.append("<option").append(s == m.filter().state() ? " selected" : "").append(">").append(s.name()).append("</option>");
        }
        b.append("</select></label> <label>Group <select name=\"group\" id=\"filter-group\"><option value=\"\">any</option>");
        for (JobStateStore.GroupProgress g : m.groups()) {
            b.append("<option").append(Integer.valueOf(g.group()).equals(m.filter().group()) ? " selected" : "").append(">")
                    .append(g.group()).append("</option>");
        }
        return b.append("</select></label> <button type=\"submit\">Filter</button></form>").toString();
    }

    /** One VM's row; the live script updates its cells by their {@code data-f} names. */
    static String vmRow(String jobId, Map<String, String> r) {
        StringBuilder b = new StringBuilder("<tr data-vm=\"").append(Html.text(r.get("vmId"))).append("\">");
        for (String f : List.of("vmId", "group", "state", "step", "point", "dataLoss", "reasons")) {
            b.append("<td data-f=\"").append(f).append("\"").append(f.equals("state") ? " class=\"state\"" : "").append(">")
                    .append(Html.text(r.get(f), 2000)).append("</td>");
        }
        return b.append("<td><a href=\"/jobs/").append(Html.path(jobId)).append("/audit?vm=").append(Html.escape(Html.query(r.get("vmId"))))
                .append("\" class=\"vm-audit\">trail</a></td></tr>").toString();
    }

    /** The filter as query parameters, each followed by {@code &}; empty for no filter. Not yet escaped for HTML. */
    static String filterQuery(JobStateStore.VmFilter f) {
        return (f.state() == null ? "" : "state=" + f.state().name() + "&") + (f.group() == null ? "" : "group=" + f.group() + "&");
    }
}
