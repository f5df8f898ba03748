package io.failback.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.failback.messages.JobStatus;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;

/**
 * The dashboard's memory of {@code failback.job-state}: each job's latest status and its VMs' latest statuses,
 * folded from the compacted table (a tombstone forgets the entry). Pages read it; listeners hear which job or VM
 * changed so live pages can send just that.
 */
public final class JobStateStore {

    /** Told which job or VM changed; called on the thread that applied the change, so it must be quick. */
    public interface Listener {
        void jobChanged(String jobId);

        void vmChanged(String jobId, String vmId);
    }

    /** A job as the list shows it; {@code status} is null while only its VMs' statuses have been read. */
    public record JobView(String jobId, JobStatus status, Instant firstSeen, Instant updated, int vmsSeen) {
    }

    /** One boot group's VMs: how many in all, done and failed. */
    public record GroupProgress(int group, int total, int done, int failed) {
    }

    /** Which VMs a page lists: any state or group when null. */
    public record VmFilter(VmState state, Integer group) {
        public static final VmFilter ALL = new VmFilter(null, null);

        boolean accepts(VmStatus vm) {
            return (state == null || vm.getState() == state) && (group == null || vm.getGroup() == group);
        }
    }

    /** One page of a longer list; {@code page} counts from 0. */
    public record Page<T>(List<T> items, int page, int pageSize, int totalItems) {
        public int pages() {
            return Math.max(1, (totalItems + pageSize - 1) / pageSize);
        }
    }

    private static final Comparator<VmStatus> BOOT_ORDER = Comparator.comparingInt(VmStatus::getGroup).thenComparing(VmStatus::getVmId);

    private static final class Job {
        JobStatus status;
        Instant firstSeen;
        Instant updated;
        final Map<String, VmStatus> vms = new TreeMap<>();

        void touch(Instant at) {
            if (firstSeen == null || at.isBefore(firstSeen)) {
                firstSeen = at;
            }
            if (updated == null || at.isAfter(updated)) {
                updated = at;
            }
        }
    }

    private final Map<String, Job> jobs = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean caughtUp;

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Applies one record of the table: a job's or a VM's latest status, or (a null event) a tombstone for the key
     * {@code job/{jobId}} or {@code vm/{jobId}/{vmId}}. A record whose key names no job or VM is ignored.
     */
    public void apply(String key, StatusEvent event) {
        if (event == null) {
            forget(key);
            return;
        }
        String jobId = event.getJobId();
        Instant at = event.getAt();
        String changedVm = null;
        synchronized (this) {
            Job job = jobs.computeIfAbsent(jobId, id -> new Job());
            job.touch(at);
            if (event.getJob() != null) {
                job.status = event.getJob();
            } else if (event.getVm() != null) {
                changedVm = event.getVm().getVmId();
                job.vms.put(changedVm, event.getVm());
            }
        }
        for (Listener l : listeners) {
            if (changedVm == null) {
                l.jobChanged(jobId);
            } else {
                l.vmChanged(jobId, changedVm);
            }
        }
    }

    private void forget(String key) {
        if (key == null) {
            return;
        }
        String[] parts = key.split("/", 3);
        if (parts.length == 2 && parts[0].equals("job")) {
            synchronized (this) {
                jobs.remove(parts[1]);
            }
            listeners.forEach(l -> l.jobChanged(parts[1]));
        } else if (parts.length == 3 && parts[0].equals("vm")) {
            boolean removed;
            synchronized (this) {
                Job job = jobs.get(parts[1]);
                removed = job != null && job.vms.remove(parts[2]) != null;
            }
            if (removed) {
                listeners.forEach(l -> l.vmChanged(parts[1], parts[2]));
            }
        }
    }

    /** Marks the end of the table's first read: from then on the store holds the current truth. */
    public void markCaughtUp() {
        caughtUp = true;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** Jobs, the most recently updated first. */
    public synchronized Page<JobView> jobs(int page, int pageSize) {
        List<JobView> all = new ArrayList<>();
        jobs.forEach((id, j) -> all.add(view(id, j)));
        all.sort(Comparator.comparing(JobView::updated).reversed().thenComparing(JobView::jobId));
        return page(all, page, pageSize);
    }

    public synchronized Optional<JobView> job(String jobId) {
        Job j = jobs.get(jobId);
        return j == null ? Optional.empty() : Optional.of(view(jobId, j));
    }

    public synchronized Optional<VmStatus> vm(String jobId, String vmId) {
        Job j = jobs.get(jobId);
        return j == null ? Optional.empty() : Optional.ofNullable(j.vms.get(vmId));
    }

    /** The job's VMs the filter accepts, in boot order (group, then VM id), one page of them. */
    public synchronized Page<VmStatus> vms(String jobId, VmFilter filter, int page, int pageSize) {
        Job j = jobs.get(jobId);
        if (j == null) {
            return new Page<>(List.of(), 0, pageSize, 0);
        }
        List<VmStatus> matching = new ArrayList<>();
        for (VmStatus vm : j.vms.values()) {
            if (filter.accepts(vm)) {
                matching.add(vm);
            }
        }
        matching.sort(BOOT_ORDER);
        return page(matching, page, pageSize);
    }

    /** Per boot group, in group order, the count of the job's VMs done, failed and in all. */
    public synchronized List<GroupProgress> groups(String jobId) {
        Job j = jobs.get(jobId);
        if (j == null) {
            return List.of();
        }
        return io.failback.schemas.Progress.groups(j.vms.values()).stream()
                .map(g -> new GroupProgress(g.group(), g.total(), g.done(), g.failed())).toList();
    }

    private static JobView view(String jobId, Job j) {
        return new JobView(jobId, j.status, j.firstSeen, j.updated, j.vms.size());
    }

    private static <T> Page<T> page(List<T> all, int page, int pageSize) {
        int pages = Math.max(1, (all.size() + pageSize - 1) / pageSize);
        int p = Math.min(Math.max(0, page), pages - 1);
        int from = p * pageSize;
        return new Page<>(List.copyOf(all.subList(from, Math.min(all.size(), from + pageSize))), p, pageSize, all.size());
    }
}
