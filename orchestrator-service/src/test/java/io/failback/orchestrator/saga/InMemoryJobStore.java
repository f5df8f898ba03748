package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job store of the saga tests: a job's VMs in the order of their ids, as the state store keeps them. */
final class InMemoryJobStore implements JobStore {

    final Map<String, Job> jobs = new HashMap<>();
    final Map<String, Map<String, VmJob>> vms = new HashMap<>();
    final Map<String, List<Followup.Resume>> work = new LinkedHashMap<>();

    @Override
    public Job job(String jobId) {
        return jobs.get(jobId);
    }

    @Override
    public VmJob vm(String jobId, String vmId) {
        return vms.getOrDefault(jobId, Map.of()).get(vmId);
    }

    @Override
    public List<String> vmIds(String jobId) {
        return new ArrayList<>(vms.getOrDefault(jobId, Map.of()).keySet());
    }

    @Override
    public void put(Job job) {
        jobs.put(job.jobId(), job);
    }

    @Override
    public void put(VmJob vm) {
        vms.computeIfAbsent(vm.jobId(), j -> new java.util.TreeMap<>()).put(vm.vmId(), vm);
    }

    @Override
    public List<Followup.Resume> work(String jobId) {
        return work.getOrDefault(jobId, List.of());
    }

    @Override
    public void putWork(String jobId, List<Followup.Resume> left) {
        if (left.isEmpty()) {
            work.remove(jobId);
        } else {
            work.put(jobId, List.copyOf(left));
        }
    }
}
