package io.failback.orchestrator.saga;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Applies a saga decision to a {@link JobStore} and works off its follow-ups one VM at a time, so a
 * plan of any size is handled without loading it whole. Pure, like the saga it drives.
 */
public final class SagaRunner {

    private final FailbackSaga saga;

    public SagaRunner(FailbackSaga saga) {
        this.saga = saga;
    }

    public FailbackSaga saga() {
        return saga;
    }

    /** Stores what {@code first} decided, runs every follow-up it (transitively) asked for, returns what to send. */
    public Outbox apply(JobStore store, Decision first) {
        Outbox out = new Outbox();
        Deque<Followup> queue = new ArrayDeque<>();
        absorb(store, first, out, queue);
        Job job = first.job();
        while (!queue.isEmpty() && job != null) {
            Followup f = queue.poll();
            for (String vmId : store.vmIds(job.jobId())) {
                VmJob vm = store.vm(job.jobId(), vmId);
                Decision d = saga.onFollowup(job, vm, f, first.now());
                absorb(store, d, out, queue);
                job = d.job();
            }
        }
        return out;
    }

    private static void absorb(JobStore store, Decision d, Outbox out, Deque<Followup> queue) {
        if (d.job() != null && d.jobChanged()) {
            store.put(d.job());
        }
        d.vms().values().forEach(store::put);
        out.add(d);
        queue.addAll(d.followups());
    }
}
