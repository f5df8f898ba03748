package io.failback.dashboard;

import java.util.List;

/**
 * The shell every page shares (head, stylesheet, script, the header with its way back to the jobs) and the small
 * pages with no table: the confirmation before a control command and a named error.
 */
final class Layout {

    private Layout() {
    }

    /** A whole page around {@code body}, which must already be escaped; {@code title} is escaped here. */
    static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.text(title, 160) + " \u2013 failback</title>"
                + "<link rel=\"stylesheet\" href=\"/dashboard.css\"><script src=\"/dashboard.js\" defer></script></head>"
                + "<body><header><a class=\"home\" href=\"/\">failback</a> <span class=\"sub\">dashboard</span></header><main>"
                + body + "</main></body></html>\n";
    }

    /** A page that names what went wrong, in a sentence. */
    static String error(String title, String message) {
        return page(title, "<h1>" + Html.text(title) + "</h1><p class=\"error\" id=\"error\">" + Html.text(message, 1000)
                + "</p><p><a href=\"/\">Back to the jobs</a></p>");
    }

    /**
     * The confirmation a control command needs: what it does, the job's state now, who asks, and a form that
     * sends it; {@code token} proves the form came from this dashboard.
     */
    /**
     * What to run instead when the dashboard has no operator key: the failbackctl command, signed by the operator's
     * own key, since a dashboard without a login can't tell who presses a button.
     */
    static String command(String jobId, String state, String action, String vmId, String what) {
        String verb = action.toLowerCase(java.util.Locale.ROOT);
        String label = action.charAt(0) + action.substring(1).toLowerCase(java.util.Locale.ROOT);
        String line = "failbackctl " + verb + " " + jobId + (vmId == null ? "" : " --vm " + vmId)
                + " --operator YOUR-ID --key-file YOUR-KEY-FILE";
        return page(label + " " + jobId, "<h1>" + Html.text(label) + " job " + Html.text(jobId) + (vmId == null ? "" : " VM " + Html.text(vmId))
                + "</h1><p>" + Html.text(what, 1000) + "</p><p>The job is <strong id=\"confirm-state\">" + Html.text(state)
                + "</strong> now. This dashboard signs nothing (it has no login, and no operator key is configured), so "
                + Html.text(verb) + " with your own signed key:</p><pre id=\"command\">" + Html.text(line, 600) + "</pre>"
                + "<p><a href=\"/jobs/" + Html.path(jobId) + "\" id=\"back\">Back to the job</a></p>");
    }

    static String confirm(String jobId, String state, String action, String vmId, String what, String token, String operator) {
        String vmField = vmId == null ? "" : "<input type=\"hidden\" name=\"vm\" value=\"" + Html.text(vmId) + "\">";
        String label = action.charAt(0) + action.substring(1).toLowerCase(java.util.Locale.ROOT);
        return page(label + " " + jobId, "<h1>" + Html.text(label) + " job " + Html.text(jobId) + (vmId == null ? "" : " VM " + Html.text(vmId))
                + "?</h1><p>" + Html.text(what, 1000) + "</p><p>The job is <strong id=\"confirm-state\">" + Html.text(state)
                + "</strong> now. The orchestrator decides; its answer shows on the job page.</p>"
                + "<form method=\"post\" action=\"/jobs/" + Html.path(jobId) + "/control\">"
                + "<input type=\"hidden\" name=\"action\" value=\"" + Html.text(action) + "\">" + vmField
                + "<input type=\"hidden\" name=\"token\" value=\"" + Html.text(token) + "\">"
                + "<p>Signed by this dashboard as operator <strong id=\"signed-as\">" + Html.text(operator, 100) + "</strong>.</p>"
                + "<button type=\"submit\" id=\"confirm\" class=\"danger\">Yes, " + Html.text(action.toLowerCase(java.util.Locale.ROOT))
                + "</button> <a href=\"/jobs/" + Html.path(jobId) + "\" id=\"back\">No, back to the job</a></form>");
    }

    /** Links to the other pages of a paged list; {@code base} ends with {@code ?} or {@code &}, already escaped. */
    static String pager(String base, JobStateStore.Page<?> page) {
        if (page.pages() <= 1) {
            return "";
        }
        StringBuilder out = new StringBuilder("<nav class=\"pager\">Page ").append(page.page() + 1).append(" of ").append(page.pages())
                .append(" (").append(page.totalItems()).append(") ");
        java.util.Set<Integer> shown = new java.util.HashSet<>();
        for (int p : List.of(0, page.page() - 1, page.page() + 1, page.pages() - 1)) {
            if (p >= 0 && p < page.pages() && p != page.page() && shown.add(p)) {
                String label = p == 0 ? "first" : p == page.pages() - 1 ? "last" : p < page.page() ? "previous" : "next";
                out.append("<a href=\"").append(base).append("page=").append(p + 1).append("\" rel=\"").append(label).append("\">")
                        .append(label).append("</a> ");
            }
        }
        return out.append("</nav>").toString();
    }
}
