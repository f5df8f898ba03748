package io.failback.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The dashboard's pages and feeds: the jobs list, a job's page, its live events, its audit trail and exports, and
 * the confirmation and sending of commit, cancel and retry. Every parameter is checked; a bad one is a named 400.
 */
@RestController
public class DashboardController {

    /** A parameter the dashboard can't use: answered with 400 and the reason. */
    static final class BadParameterException extends RuntimeException {
        BadParameterException(String message) {
            super(message);
        }
    }

    /** No such job in the table: answered with 404. */
    static final class UnknownJobException extends RuntimeException {
        UnknownJobException(String message) {
            super(message);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DashboardController.class);
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);
    private static final Map<ControlAction, String> WHAT = Map.of(
            ControlAction.COMMIT, "Commit deletes the job's Azure VMs (and reprotects, if the job asked for it). It can't be undone.",
            ControlAction.CANCEL, "Cancel rolls back every VM of the job not yet finished: its Azure VM runs again.",
            ControlAction.RETRY, "Retry runs again the rollback steps that stopped, for the VMs that need attention. It deletes nothing.");
    private static final int MAX_ID_CHARS = 200;

    private final JobStateStore store;
    private final LiveUpdates live;
    private final AuditReader audit;
    private final ControlSender control;
    private final DashboardProperties properties;
    private final Clock clock = Clock.systemUTC();
    /** Proves a control form was served by this dashboard: a page elsewhere can't read it to forge a post. */
    private final String formToken;

    public DashboardController(JobStateStore store, LiveUpdates live, AuditReader audit, ControlSender control, DashboardProperties properties) {
        this.store = store;
        this.live = live;
        this.audit = audit;
        this.control = control;
        this.properties = properties;
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        this.formToken = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @GetMapping(value = "/", produces = "text/html")
    public ResponseEntity<String> jobs(@RequestParam(required = false) String page) {
        return html(JobsPage.render(store.jobs(pageIndex(page), properties.jobPageSize()), store.caughtUp(), clock.instant()));
    }

    @GetMapping("/events")
    public SseEmitter jobEvents() {
        return live.jobs(new SseEmitter(Duration.ofMinutes(30).toMillis()));
    }

    @GetMapping(value = "/jobs/{jobId}", produces = "text/html")
    public ResponseEntity<String> job(@PathVariable String jobId, @RequestParam(required = false) String state,
                                      @RequestParam(required = false) String group, @RequestParam(required = false) String page,
                                      @RequestParam(required = false) String sent, @RequestParam(required = false) String control) {
        JobStateStore.JobView job = known(jobId);
        JobStateStore.VmFilter filter = new JobStateStore.VmFilter(vmState(state), group(group));
        String notice = null;
        if (sent != null) {
            notice = action(sent).name().toLowerCase(Locale.ROOT) + " sent (control id " + Html.cut(control, 60)
                    + "); the job's state shows the orchestrator's answer.";
        }
        JobPage.Model model = new JobPage.Model(job, store.groups(jobId), store.vms(jobId, filter, pageIndex(page), properties.vmPageSize()),
                filter, notice);
        return html(JobPage.render(model, clock.instant()));
    }

    @GetMapping("/jobs/{jobId}/events")
    public SseEmitter jobEvents(@PathVariable String jobId, @RequestParam(required = false) String state,
                                @RequestParam(required = false) String group, @RequestParam(required = false) String page) {
        known(jobId);
        JobStateStore.VmFilter filter = new JobStateStore.VmFilter(vmState(state), group(group));
        Set<String> shown = store.vms(jobId, filter, pageIndex(page), properties.vmPageSize()).items().stream()
                .map(VmStatus::getVmId).collect(Collectors.toSet());
        return live.job(new SseEmitter(Duration.ofMinutes(30).toMillis()), jobId, shown);
    }

    @GetMapping(value = "/jobs/{jobId}/audit", produces = "text/html")
    public ResponseEntity<String> audit(@PathVariable String jobId, @RequestParam(required = false) String vm,
                                        @RequestParam(required = false) String kind, @RequestParam(required = false) String page) {
        checkId(jobId, "job id");
        AuditTrail.Filter filter = auditFilter(vm, kind);
        AuditReader.Trail trail = audit.read(jobId);
        List<AuditRecord> shown = AuditTrail.filter(trail.records(), filter);
        int size = properties.auditPageSize();
        int pages = Math.max(1, (shown.size() + size - 1) / size);
        int p = Math.min(pageIndex(page), pages - 1);
        JobStateStore.Page<AuditRecord> onPage = new JobStateStore.Page<>(shown.subList(p * size, Math.min(shown.size(), (p + 1) * size)),
                p, size, shown.size());
        return html(AuditTrail.page(jobId, trail, shown, filter, onPage));
    }

    @GetMapping("/jobs/{jobId}/audit.csv")
    public ResponseEntity<String> auditCsv(@PathVariable String jobId, @RequestParam(required = false) String vm,
                                           @RequestParam(required = false) String kind) {
        checkId(jobId, "job id");
        List<AuditRecord> records = AuditTrail.filter(audit.read(jobId).records(), auditFilter(vm, kind));
        return download(AuditTrail.csv(jobId, records), new MediaType("text", "csv", StandardCharsets.UTF_8), jobId, "csv");
    }

    @GetMapping("/jobs/{jobId}/audit.json")
    public ResponseEntity<String> auditJson(@PathVariable String jobId, @RequestParam(required = false) String vm,
                                            @RequestParam(required = false) String kind) {
        checkId(jobId, "job id");
        List<AuditRecord> records = AuditTrail.filter(audit.read(jobId).records(), auditFilter(vm, kind));
        return download(AuditTrail.json(jobId, records), MediaType.APPLICATION_JSON, jobId, "json");
    }

    @GetMapping(value = "/jobs/{jobId}/confirm", produces = "text/html")
    public ResponseEntity<String> confirm(@PathVariable String jobId, @RequestParam(required = false) String action,
                                          @RequestParam(required = false) String vm) {
        JobStateStore.JobView job = known(jobId);
        ControlAction a = action(action);
        String vmId = vm == null || vm.isBlank() ? null : checkId(vm, "VM id");
        if (vmId != null && a != ControlAction.RETRY) {
            throw new BadParameterException("only retry names a VM; " + a + " is for the whole job");
        }
        String state = job.status() == null ? "not yet known" : job.status().getState().name();
        if (control.operator() == null) {
            return html(Layout.command(jobId, state, a.name(), vmId, WHAT.get(a)));
        }
        return html(Layout.confirm(jobId, state, a.name(), vmId, WHAT.get(a), formToken, control.operator()));
    }

    @PostMapping("/jobs/{jobId}/control")
    public ResponseEntity<Void> control(@PathVariable String jobId, @RequestParam(required = false) String action,
                                        @RequestParam(required = false) String vm, @RequestParam(required = false) String token) {
        if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), formToken.getBytes(StandardCharsets.UTF_8))) {
            throw new BadParameterException("this form was not served by this dashboard (or the dashboard restarted): open the job again");
        }
        known(jobId);
        ControlAction a = action(action);
        String vmId = vm == null || vm.isBlank() ? null : checkId(vm, "VM id");
        if (control.operator() == null) {
            throw new BadParameterException("this dashboard has no operator key to sign with: run failbackctl "
                    + a.name().toLowerCase(Locale.ROOT) + " " + jobId + " with your own key");
        }
        String by = control.operator();
        ControlCommand sentCommand = control.send(jobId, a, a == ControlAction.RETRY ? vmId : null, by);
        log.info("{} sent for job {} by {} (control id {})", a, LogSafe.of(jobId), LogSafe.of(by), sentCommand.getControlId());
        URI back = URI.create("/jobs/" + Html.query(jobId).replace("+", "%20") + "?sent=" + a.name() + "&control=" + sentCommand.getControlId());
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(back).build();
    }

    @ExceptionHandler(BadParameterException.class)
    ResponseEntity<String> badParameter(BadParameterException e) {
        return ResponseEntity.badRequest().contentType(HTML).body(Layout.error("Bad request", e.getMessage()));
    }

    @ExceptionHandler(UnknownJobException.class)
    ResponseEntity<String> unknownJob(UnknownJobException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(HTML).body(Layout.error("No such job", e.getMessage()));
    }

    @ExceptionHandler({AuditReader.AuditUnavailableException.class, ControlSender.ControlNotSentException.class})
    ResponseEntity<String> unavailable(RuntimeException e) {
        log.warn("answered 503: {}", LogSafe.of(e.getMessage()));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(HTML).body(Layout.error("Kafka unavailable", e.getMessage()));
    }

    private JobStateStore.JobView known(String jobId) {
        checkId(jobId, "job id");
        return store.job(jobId).orElseThrow(() -> new UnknownJobException("job " + Html.cut(jobId, 100) + " is not in the job-state table"
                + (store.caughtUp() ? "" : " yet (the dashboard is still reading it)")));
    }

    private static String checkId(String id, String what) {
        if (id.isEmpty() || id.length() > MAX_ID_CHARS || !LogSafe.isPlain(id)) {
            throw new BadParameterException(what + " must be 1 to " + MAX_ID_CHARS + " printable characters");
        }
        return id;
    }

    private static int pageIndex(String page) {
        if (page == null || page.isBlank()) {
            return 0;
        }
        try {
            int p = Integer.parseInt(page.trim());
            if (p < 1) {
                throw new BadParameterException("page counts from 1, not " + p);
            }
            return p - 1;
        } catch (NumberFormatException e) {
            throw new BadParameterException("page must be a number, not " + Html.cut(page, 20));
        }
    }

    private static VmState vmState(String state) {
        return state == null || state.isBlank() ? null : named(VmState.class, state, "VM state");
    }

    private static Integer group(String group) {
        if (group == null || group.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(group.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException("group must be a number, not " + Html.cut(group, 20));
        }
    }

    private static ControlAction action(String action) {
        if (action == null || action.isBlank()) {
            throw new BadParameterException("say which action: one of " + java.util.Arrays.toString(ControlAction.values()));
        }
        return named(ControlAction.class, action, "action");
    }

    private static AuditTrail.Filter auditFilter(String vm, String kind) {
        String vmId = vm == null || vm.isBlank() ? null : checkId(vm.trim(), "VM id");
        AuditKind k = kind == null || kind.isBlank() ? null : named(AuditKind.class, kind, "audit kind");
        return new AuditTrail.Filter(vmId, k);
    }

    private static <E extends Enum<E>> E named(Class<E> type, String value, String what) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("unknown " + what + " " + Html.cut(value, 40) + "; one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static ResponseEntity<String> html(String body) {
        return ResponseEntity.ok().contentType(HTML).cacheControl(org.springframework.http.CacheControl.noStore()).body(body);
    }

    private static ResponseEntity<String> download(String body, MediaType type, String jobId, String extension) {
        String name = "audit-" + jobId.replaceAll("[^A-Za-z0-9._-]", "_") + "." + extension;
        return ResponseEntity.ok().contentType(type).header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"").body(body);
    }
}
