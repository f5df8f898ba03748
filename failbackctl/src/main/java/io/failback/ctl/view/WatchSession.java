package io.failback.ctl.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmStatus;

/**
 * What {@code watch} shows, decided without Kafka: fed the status topic's events in order, it says which
 * lines to print (a job line when the job's state or current group changes, a VM line when a VM's state,
 * step or reasons change), the progress bar of each plan group, and when the watch ends. The history
 * read before catching up with the topic is folded silently and shown once, as the job's present state,
 * so an old AWAITING_COMMIT is never mistaken for the present one.
 */
public final class WatchSession {

    /** One step of the watch: lines to print, the progress bars now, and whether the watch is over. */
    public record Update(List<String> lines, List<String> progress, boolean finished, JobState finalState,
                         List<String> summary) {
    }

    private final String jobId;
    private final boolean untilDone;
    private final Reports reports;
    private final JobView view = new JobView();
    private final Map<String, String> shownVms = new HashMap<>();
    private final Map<String, Instant> vmAt = new HashMap<>();
    private Instant jobAt;
    private String shownJob;
    private boolean live;

    public WatchSession(String jobId, boolean untilDone, Reports reports) {
        this.jobId = jobId;
        this.untilDone = untilDone;
        this.reports = reports;
    }

    /** Whether any status of the job has been seen. */
    public boolean jobSeen() {
        return view.job(jobId).isPresent();
    }

    /**
     * Takes the next events read from the status topic (other jobs' events are ignored) and whether
     * the reader has now caught up with everything that was on the topic when the watch began.
     */
    public Update accept(List<StatusEvent> events, boolean caughtUp) {
        List<String> lines = new ArrayList<>();
        for (StatusEvent e : events) {
            if (!jobId.equals(e.getJobId())) {
                continue;
            }
            view.apply(e);
            if (e.getVm() != null) {
                vmAt.put(e.getVm().getVmId(), e.getAt());
            }
            if (e.getJob() != null) {
                jobAt = e.getAt();
            }
            if (live) {
                lines.addAll(changes(e));
            }
        }
        if (!live && caughtUp) {
            live = true;
            lines.addAll(present());
        }
        JobSnapshot snapshot = view.job(jobId).orElse(null);
        if (!live || snapshot == null) {
            return new Update(lines, List.of(), false, null, List.of());
        }
        List<String> progress = snapshot.groups().stream().map(ProgressBar::render).toList();
        JobState state = snapshot.state();
        if (Outcomes.endsWatch(state, untilDone)) {
            return new Update(lines, progress, true, state, reports.summary(snapshot));
        }
        return new Update(lines, progress, false, null, List.of());
    }

    private List<String> present() {
        List<String> lines = new ArrayList<>();
        view.job(jobId).ifPresent(s -> {
            if (s.job() != null) {
                lines.add(jobLine(s.job(), jobAt));
            }
            for (VmStatus vm : s.vms()) {
                lines.add(vmLine(vm, vmAt.get(vm.getVmId())));
            }
        });
        return lines;
    }

    private List<String> changes(StatusEvent e) {
        List<String> lines = new ArrayList<>();
        if (e.getJob() != null && !jobKey(e.getJob()).equals(shownJob)) {
            lines.add(jobLine(e.getJob(), e.getAt()));
        }
        if (e.getVm() != null && !vmKey(e.getVm()).equals(shownVms.get(e.getVm().getVmId()))) {
            lines.add(vmLine(e.getVm(), e.getAt()));
        }
        return lines;
    }

    private String jobLine(JobStatus j, Instant at) {
        shownJob = jobKey(j);
        return reports.jobLine(j, jobId, at);
    }

    private String vmLine(VmStatus vm, Instant at) {
        shownVms.put(vm.getVmId(), vmKey(vm));
        return reports.vmLine(vm, at);
    }

    private static String jobKey(JobStatus j) {
        return j.getState() + "|" + j.getCurrentGroup() + "|" + j.getReasons();
    }

    private static String vmKey(VmStatus vm) {
        return vm.getState() + "|" + vm.getStep() + "|" + vm.getReasons();
    }
}
