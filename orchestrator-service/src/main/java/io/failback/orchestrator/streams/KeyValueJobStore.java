package io.failback.orchestrator.streams;

import java.util.ArrayList;
import java.util.List;

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
 */
final class KeyValueJobStore implements JobStore {

    private final KeyValueStore<String, Job> jobs;
    private final KeyValueStore<String, VmJob> vms;
    private final KeyValueStore<String, String> timers;

    KeyValueJobStore(KeyValueStore<String, Job> jobs, KeyValueStore<String, VmJob> vms, KeyValueStore<String, String> timers) {
        this.jobs = jobs;
        this.vms = vms;
        this.timers = timers;
    }

    static String vmKey(String jobId, String vmId) {
        return jobId + "/" + vmId;
    }

    /** Zero-padded so that string order is time order. */
    static String timerKey(long due, String jobId, String vmId) {
        return String.format("%015d|%s|%s", due, jobId, vmId == null ? "" : vmId);
    }

    @Override
    public Job job(String jobId) {
        return jobs.get(jobId);
    }

    @Override
    public VmJob vm(String jobId, String vmId) {
        return vms.get(vmKey(jobId, vmId));
    }

    @Override
    public List<String> vmIds(String jobId) {
        String prefix = jobId + "/";
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, VmJob> it = vms.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(prefix.length())));
        }
        return ids;
    }

    @Override
    public void put(Job job) {
        Job old = jobs.get(job.jobId());
        if (old != null && old.timerAt() != 0 && old.timerAt() != job.timerAt()) {
            timers.delete(timerKey(old.timerAt(), job.jobId(), null));
        }
        if (job.timerAt() != 0) {
            timers.put(timerKey(job.timerAt(), job.jobId(), null), "");
        }
        jobs.put(job.jobId(), job);
    }

    @Override
    public void put(VmJob vm) {
        String key = vmKey(vm.jobId(), vm.vmId());
        VmJob old = vms.get(key);
        if (old != null && old.deadline() != 0 && old.deadline() != vm.deadline()) {
            timers.delete(timerKey(old.deadline(), vm.jobId(), vm.vmId()));
        }
        if (vm.deadline() != 0) {
            timers.put(timerKey(vm.deadline(), vm.jobId(), vm.vmId()), "");
        }
        vms.put(key, vm);
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
}
