package io.failback.orchestrator.saga;

import java.util.List;

/** Where jobs and their VMs are kept: state stores in production, a map in tests. */
public interface JobStore {

    Job job(String jobId);

    VmJob vm(String jobId, String vmId);

    /** The ids of a job's VMs, read before any is changed. */
    List<String> vmIds(String jobId);

    /**
     * At most {@code limit} of a job's VM ids that come after {@code afterVmId} (null: from the first) in the
     * order of {@link #vmIds}: a slice of a large plan, read without listing the whole plan.
     */
    default List<String> vmIdsAfter(String jobId, String afterVmId, int limit) {
        List<String> all = vmIds(jobId);
        int from = afterVmId == null ? 0 : all.indexOf(afterVmId) + 1;
        return List.copyOf(all.subList(Math.min(from, all.size()), Math.min(all.size(), from + limit)));
    }

    void put(Job job);

    void put(VmJob vm);

    /** The job's follow-ups not yet applied to all its VMs, oldest first; empty when none. */
    List<Followup.Resume> work(String jobId);

    /** Keeps what is left of the job's follow-ups ({@code work} empty: nothing left). */
    void putWork(String jobId, List<Followup.Resume> work);
}
