package io.failback.ctl.view;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.VmStatus;

/**
 * The latest known state of one job, folded from its status events: the last job status and the last
 * status of each VM (in the order the VMs first appeared).
 */
public final class JobSnapshot {

    private final String jobId;
    private JobStatus job;
    private final Map<String, VmStatus> vms = new LinkedHashMap<>();
    private Instant lastUpdate;

    JobSnapshot(String jobId) {
        this.jobId = jobId;
    }

    void job(JobStatus status, Instant at) {
        this.job = status;
        touch(at);
    }

    void vm(VmStatus status, Instant at) {
        vms.put(status.getVmId(), status);
        touch(at);
    }

    private void touch(Instant at) {
        if (at != null && (lastUpdate == null || at.isAfter(lastUpdate))) {
            lastUpdate = at;
        }
    }

    public String jobId() {
        return jobId;
    }

    /** The last job status, or null when only VM statuses have been seen so far. */
    public JobStatus job() {
        return job;
    }

    /** The job's state, or null when no job status has been seen yet. */
    public JobState state() {
        return job == null ? null : job.getState();
    }

    public Collection<VmStatus> vms() {
        return Collections.unmodifiableCollection(vms.values());
    }

    public VmStatus vm(String vmId) {
        return vms.get(vmId);
    }

    public Instant lastUpdate() {
        return lastUpdate;
    }

    /** Per plan group, in group order, the count of VMs done, failed and still moving. */
    public List<GroupProgress> groups() {
        return io.failback.schemas.Progress.groups(vms.values()).stream()
                .map(g -> new GroupProgress(g.group(), g.total(), g.done(), g.failed())).toList();
    }
}
