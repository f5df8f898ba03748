package io.failback.ctl.view;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.failback.messages.StatusEvent;

/**
 * Folds status events, in the order the status topic holds them, into the latest state of every job
 * and of every VM in it. Pure: the commands feed it what they read from Kafka, the tests feed it events.
 */
public final class JobView {

    private final Map<String, JobSnapshot> jobs = new LinkedHashMap<>();

    /** Applies one event: a job status replaces the job's, a VM status replaces that VM's. */
    public void apply(StatusEvent event) {
        if (event == null || event.getJobId() == null) {
            return;
        }
        if (event.getJob() == null && event.getVm() == null) {
            return;
        }
        JobSnapshot snapshot = jobs.computeIfAbsent(event.getJobId(), JobSnapshot::new);
        if (event.getJob() != null) {
            snapshot.job(event.getJob(), event.getAt());
        }
        if (event.getVm() != null) {
            snapshot.vm(event.getVm(), event.getAt());
        }
    }

    public void applyAll(Iterable<StatusEvent> events) {
        events.forEach(this::apply);
    }

    public Optional<JobSnapshot> job(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    /** Every job seen, in the order each first appeared. */
    public Collection<JobSnapshot> jobs() {
        return Collections.unmodifiableCollection(jobs.values());
    }
}
