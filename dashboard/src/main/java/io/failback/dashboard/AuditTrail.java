package io.failback.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's audit trail as the page and the exports show it: filtered by VM and kind, rendered as an HTML table,
 * as CSV (every cell quoted, formula-like cells defused so a spreadsheet never runs them) and as JSON.
 */
final class AuditTrail {

    static final List<String> COLUMNS = List.of("at", "kind", "vmId", "commandId", "action", "detail", "requestedBy");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Which records to keep: any VM or kind when null. */
    record Filter(String vmId, AuditKind kind) {
        boolean accepts(AuditRecord a) {
            return (vmId == null || vmId.equals(a.getVmId())) && (kind == null || kind == a.getKind());
        }

        String query() {
            return (vmId == null ? "" : "vm=" + Html.query(vmId) + "&") + (kind == null ? "" : "kind=" + kind.name() + "&");
        }
    }

    private AuditTrail() {
    }

    static List<AuditRecord> filter(List<AuditRecord> records, Filter filter) {
        return records.stream().filter(filter::accepts).toList();
    }

    /** One record's fields by column, whole (exports are not cut; the page cuts at rendering). */
    static Map<String, String> fields(AuditRecord a) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", a.getAt().toString());
        m.put("kind", a.getKind().name());
        m.put("vmId", a.getVmId() == null ? "" : a.getVmId());
        m.put("commandId", a.getCommandId() == null ? "" : a.getCommandId());
        m.put("action", a.getAction());
        m.put("detail", a.getDetail());
        m.put("requestedBy", a.getRequestedBy());
        return m;
    }

    static String page(String jobId, AuditReader.Trail trail, List<AuditRecord> shown, Filter filter, JobStateStore.Page<AuditRecord> page) {
        String base = "/jobs/" + Html.path(jobId) + "/audit";
        StringBuilder b = new StringBuilder("<h1>Audit trail of job <a href=\"/jobs/").append(Html.path(jobId)).append("\">")
                .append(Html.text(jobId)).append("</a></h1>");
        b.append("<form class=\"filters\" method=\"get\" action=\"").append(base).append("\"><label>VM <input name=\"vm\" id=\"filter-vm\" value=\"")
                .append(Html.text(filter.vmId())).append("\"></label> <label>Kind <select name=\"kind\" id=\"filter-kind\"><option value=\"\">any</option>");
        for (AuditKind k : AuditKind.values()) {
            b.append("<option").append(k == filter.kind() ? " selected" : "").append(">").append(k.name()).append("</option>");
        }
        String q = Html.escape(filter.query());
        b.append("</select></label> <button type=\"submit\">Filter</button> <a class=\"button\" id=\"export-csv\" href=\"").append(base)
                .append(".csv?").append(q).append("\">Export CSV</a> <a class=\"button\" id=\"export-json\" href=\"").append(base)
                .append(".json?").append(q).append("\">Export JSON</a></form>");
        b.append("<p class=\"facts\" id=\"audit-count\">").append(shown.size()).append(" of ").append(trail.records().size()).append(" records");
        if (trail.truncated()) {
            b.append("; the trail holds more than ").append(AuditReader.MAX_RECORDS).append(", only the first are read");
        }
        if (trail.unreadable() > 0) {
            b.append("; ").append(trail.unreadable()).append(" unreadable records skipped");
        }
        b.append("</p><table id=\"audit\"><thead><tr><th>At</th><th>Kind</th><th>VM</th><th>Command</th><th>Action</th><th>Detail</th>")
                .append("<th>By</th></tr></thead><tbody>");
        for (AuditRecord a : page.items()) {
            Map<String, String> f = fields(a);
            b.append("<tr>");
            for (String c : COLUMNS) {
                b.append("<td data-f=\"").append(c).append("\">").append(Html.text(c.equals("at") ? Rows.time(a.getAt()) : f.get(c)))
                        .append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table>");
        b.append(Layout.pager(base + "?" + q, page));
        return Layout.page("Audit " + jobId, b.toString());
    }

    /** RFC 4180 CSV with a header; every cell quoted, and one starting like a formula prefixed with an apostrophe. */
    static String csv(String jobId, List<AuditRecord> records) {
        StringBuilder out = new StringBuilder("jobId,").append(String.join(",", COLUMNS)).append("\r\n");
        for (AuditRecord a : records) {
            out.append(cell(jobId));
            for (String v : fields(a).values()) {
                out.append(',').append(cell(v));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r|%".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        return "\"" + v.replace("\"", "\"\"") + "\"";
    }

    static String json(String jobId, List<AuditRecord> records) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (AuditRecord a : records) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("jobId", jobId);
            m.putAll(fields(a));
            rows.add(m);
        }
        return JSON.writeValueAsString(rows);
    }
}
