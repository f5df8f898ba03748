package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The job store of the saga tests. */
final class InMemoryJobStore implements JobStore {

    final Map<String, Job> jobs = new HashMap<>();
    final Map<String, Map<String, VmJob>> vms = new HashMap<>();

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
        vms.computeIfAbsent(vm.jobId(), j -> new LinkedHashMap<>()).put(vm.vmId(), vm);
    }
}
