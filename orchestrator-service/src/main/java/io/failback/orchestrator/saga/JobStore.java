package io.failback.orchestrator.saga;

import java.util.List;

/** Where jobs and their VMs are kept: state stores in production, a map in tests. */
public interface JobStore {

    Job job(String jobId);

    VmJob vm(String jobId, String vmId);

    /** The ids of a job's VMs, read before any is changed. */
    List<String> vmIds(String jobId);

    void put(Job job);

    void put(VmJob vm);
}
