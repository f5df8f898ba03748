package io.failback.orchestrator.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.orchestrator.saga.Followup;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.JobStore;
import io.failback.orchestrator.saga.VmJob;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The saga's {@link JobStore} over Kafka Streams stores: a job header per job, one record per VM
 * (key {@code jobId/vmId}), and a timer index ordered by due time so the punctuator reads only what
 * is due. Every write keeps the timer index in step with the deadline it stores.
 *
 * <p>Jobs and VMs are immutable, so the records last read or written are kept as objects (a bounded cache
 * in step with the stores, which only this class writes): reading one back, and knowing its old deadline
 * for the timer index, costs no deserialisation. Writes reach the stores at {@link #flush()}, once per
 * record or tick handled, so a job header changed by each of a plan's VMs in one follow-up is stored once.
 * A job's follow-ups left part done are kept in a store of their own, and the ids of the jobs that have any in
 * memory, so the processor asks only those to go on.
 */
final class KeyValueJobStore implements JobStore {

    /** Objects kept between records: a 10,000-VM plan's VMs stay in memory while it runs (a few MB). */
    private static final int CACHED_VMS = 20_000;
    private static final int CACHED_JOBS = 1_000;

    private final KeyValueStore<String, Job> jobs;
    private final KeyValueStore<String, VmJob> vms;
    private final KeyValueStore<String, String> timers;
    private final KeyValueStore<String, List<Followup.Resume>> work;
    private final java.util.NavigableSet<String> jobsWithWork = new java.util.TreeSet<>();
    private final Map<String, Job> jobCache = lru(CACHED_JOBS);
    private final Map<String, VmJob> vmCache = lru(CACHED_VMS);
    private Map<String, Job> unwrittenJobs = new LinkedHashMap<>();
    private Map<String, VmJob> unwrittenVms = new LinkedHashMap<>();

    KeyValueJobStore(KeyValueStore<String, Job> jobs, KeyValueStore<String, VmJob> vms, KeyValueStore<String, String> timers,
                     KeyValueStore<String, List<Followup.Resume>> work) {
        this.jobs = jobs;
        this.vms = vms;
        this.timers = timers;
        this.work = work;
        try (KeyValueIterator<String, List<Followup.Resume>> it = work.all()) {
            it.forEachRemaining(kv -> jobsWithWork.add(kv.key)); // work left by the instance before: it goes on here
        }
    }

    static String vmKey(String jobId, String vmId) {
        return jobId + "/" + vmId;
    }

    /** Zero-padded so that string order is time order. */
    static String timerKey(long due, String jobId, String vmId) {
        String digits = Long.toString(due);
        StringBuilder key = new StringBuilder(17 + digits.length() + jobId.length() + (vmId == null ? 0 : vmId.length()));
        for (int pad = digits.length(); pad < 15; pad++) {
            key.append('0');
        }
        return key.append(digits).append('|').append(jobId).append('|').append(vmId == null ? "" : vmId).toString();
    }

    @Override
    public Job job(String jobId) {
        return load(jobId, unwrittenJobs, jobCache, jobs);
    }

    @Override
    public VmJob vm(String jobId, String vmId) {
        return load(vmKey(jobId, vmId), unwrittenVms, vmCache, vms);
    }

    /** What was put last for {@code key}: not yet written, or kept since, or else read from the store (and kept). */
    private static <V> V load(String key, Map<String, V> unwritten, Map<String, V> cache, KeyValueStore<String, V> store) {
        V value = unwritten.get(key);
        if (value == null) {
            value = cache.get(key);
        }
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                cache.put(key, value);
            }
        }
        return value;
    }

    @Override
    public List<String> vmIds(String jobId) {
        String prefix = jobId + "/";
        if (unwrittenVms.keySet().stream().anyMatch(key -> key.startsWith(prefix))) {
            flush(); // VMs first put in this record's handling are listed too, in the store's order
        }
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, VmJob> it = vms.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(prefix.length())));
        }
        return ids;
    }

    /** Reads the slice by a range of keys: the VM after {@code afterVmId} up to the end of the job's keys. */
    @Override
    public List<String> vmIdsAfter(String jobId, String afterVmId, int limit) {
        String prefix = jobId + "/";
        if (unwrittenVms.keySet().stream().anyMatch(key -> key.startsWith(prefix))) {
            flush(); // VMs first put in this record's handling are listed too, in the store's order
        }
        // '/' + 1 is '0': every key of this job sorts before prefix-with-its-last-char-raised
        String end = jobId + (char) ('/' + 1);
        String from = afterVmId == null ? prefix : vmKey(jobId, afterVmId) + '\0';
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, VmJob> it = vms.range(from, end)) {
            while (it.hasNext() && ids.size() < limit) {
                String key = it.next().key;
                if (key.startsWith(prefix)) {
                    ids.add(key.substring(prefix.length()));
                }
            }
        }
        return ids;
    }

    @Override
    public List<Followup.Resume> work(String jobId) {
        List<Followup.Resume> kept = jobsWithWork.contains(jobId) ? work.get(jobId) : null;
        return kept == null ? List.of() : kept;
    }

    @Override
    public void putWork(String jobId, List<Followup.Resume> left) {
        if (left.isEmpty()) {
            if (jobsWithWork.remove(jobId)) {
                work.delete(jobId);
            }
        } else {
            work.put(jobId, left);
            jobsWithWork.add(jobId);
        }
    }

    boolean hasWork() {
        return !jobsWithWork.isEmpty();
    }

    /** The jobs with follow-ups left part done, in id order. */
    List<String> jobsWithWork() {
        return List.copyOf(jobsWithWork);
    }

    @Override
    public void put(Job job) {
        Job old = job(job.jobId());
        if (old != null && old.timerAt() != 0 && old.timerAt() != job.timerAt()) {
            timers.delete(timerKey(old.timerAt(), job.jobId(), null));
        }
        if (job.timerAt() != 0) {
            timers.put(timerKey(job.timerAt(), job.jobId(), null), "");
        }
        unwrittenJobs.put(job.jobId(), job);
    }

    @Override
    public void put(VmJob vm) {
        String key = vmKey(vm.jobId(), vm.vmId());
        VmJob old = vm(vm.jobId(), vm.vmId());
        if (old != null && old.deadline() != 0 && old.deadline() != vm.deadline()) {
            timers.delete(timerKey(old.deadline(), vm.jobId(), vm.vmId()));
        }
        if (vm.deadline() != 0) {
            timers.put(timerKey(vm.deadline(), vm.jobId(), vm.vmId()), "");
        }
        unwrittenVms.put(key, vm);
    }

    /**
     * Writes what was put since the last flush to the stores (and so to their changelogs), the cache
     * keeping each object only once it is stored: a record the store refuses is not kept either.
     */
    void flush() {
        try {
            write(unwrittenVms, vmCache, vms);
            write(unwrittenJobs, jobCache, jobs);
        } finally {
            unwrittenVms = emptied(unwrittenVms);
            unwrittenJobs = emptied(unwrittenJobs);
        }
    }

    /**
     * The map emptied: a map that held a slice of a plan is replaced, as {@code clear()} would sweep its whole table
     * again after every later record (a fourteenth of the stream thread's time at 10,000 VMs).
     */
    private static <V> Map<String, V> emptied(Map<String, V> map) {
        if (map.size() > 64) {
            return new LinkedHashMap<>();
        }
        map.clear();
        return map;
    }

    private static <V> void write(Map<String, V> unwritten, Map<String, V> cache, KeyValueStore<String, V> store) {
        for (Map.Entry<String, V> e : unwritten.entrySet()) {
            cache.remove(e.getKey());
            store.put(e.getKey(), e.getValue());
            cache.put(e.getKey(), e.getValue());
        }
    }

    /** Timers due at or before {@code now}, oldest first, at most {@code limit}; removed from the index. */
    List<String[]> takeDue(long now, int limit) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, String> it = timers.range(timerKey(0, "", ""), timerKey(now, "\uffff", "\uffff"))) {
            while (it.hasNext() && keys.size() < limit) {
                KeyValue<String, String> kv = it.next();
                keys.add(kv.key);
            }
        }
        List<String[]> due = new ArrayList<>();
        for (String key : keys) {
            timers.delete(key);
            String[] parts = key.split("\\|", 3);
            due.add(new String[] {parts[1], parts[2]});
        }
        return due;
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
