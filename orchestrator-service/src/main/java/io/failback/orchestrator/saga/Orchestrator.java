package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReasonCode;
import io.failback.messages.ReplicationResult;
import io.failback.messages.VmClaimAnswer;

/**
 * The one entry point of the pure core: given any input (request, control command, agent result, claim
 * answer, due timer) with the job store and the inventory, it decides, stores and returns what to send.
 * Unroutable, repeated and unknown inputs are decided here too; the Kafka side only loads, calls, forwards.
 */
public final class Orchestrator {

    /** A timer that came due: the job's own when {@code vmId} is empty, else one VM's. */
    public record TimerDue(String jobId, String vmId) {
    }

    /** A job's follow-ups were left part done by an earlier call: the next slice of its VMs takes them. */
    public record WorkDue(String jobId) {
    }

    /** Where the first hop sends an input: the job it belongs to, or nowhere with {@code refusal} to publish. */
    public record Route(String jobId, Object input, Outbox refusal) {
    }

    private final JobSaga jobs;
    private final Attention attention = new Attention();
    private final VmSaga vms;
    private final Requests requests;
    private final Signing signing;
    private final int vmsPerCall;

    /** An orchestrator in the unsigned local mode ({@link Signing#unsigned()}). */
    public Orchestrator(SagaSettings settings) {
        this(settings, Signing.unsigned(), VMS_PER_CALL);
    }

    public Orchestrator(SagaSettings settings, Signing signing) {
        this(settings, signing, VMS_PER_CALL);
    }

    /** An unsigned orchestrator whose calls work through at most {@code vmsPerCall} VMs. */
    public Orchestrator(SagaSettings settings, int vmsPerCall) {
        this(settings, Signing.unsigned(), vmsPerCall);
    }

    /**
     * @param vmsPerCall how many VMs one call works through at most, in a plan's preflight and in each job-wide
     *                   follow-up; the rest wait for {@link WorkDue}, so a large plan is never one long transaction
     */
    public Orchestrator(SagaSettings settings, Signing signing, int vmsPerCall) {
        if (vmsPerCall < 1) {
            throw new IllegalArgumentException("vmsPerCall must be at least 1, not " + vmsPerCall);
        }
        this.signing = signing;
        this.vmsPerCall = vmsPerCall;
        this.jobs = new JobSaga(signing.roster());
        this.vms = new VmSaga(settings, jobs);
        this.requests = new Requests(settings, vms, vmsPerCall);
    }

    /** A slice's size: its commands leave with the slice, and a slice's work stays well within a transaction's timeout. */
    public static final int VMS_PER_CALL = 1_000;
    /**
     * VMs a call may look at per VM of its slice: those a follow-up leaves unchanged cost a read from the store's cache
     * and a check each, so a call passes over a whole plan of {@link Intake#MAX_VMS_PER_JOB} to find the VMs it concerns.
     */
    static final int LOOKS_PER_SLICE = 10;

    /** Whether the first hop verifies signatures, against which roster and skew. */
    public Signing signing() {
        return signing;
    }

    /** The job id of a request: the request id itself, so a repeated request is the same job. */
    public static String jobIdOf(FailbackRequest request) {
        return request.getRequestId();
    }

    /** Where a request, control command or replication result written by a client goes, or why nowhere. */
    public Route route(String key, Object value, long now) {
        if (value instanceof FailbackRequest request) {
            Reason refusal = Intake.refusal(key, request);
            return refusal == null ? new Route(jobIdOf(request), request, null)
                    : new Route(null, null, publishOnly(requests.onUnroutableRequest(request, refusal, now)));
        }
        if (value instanceof ControlCommand control) {
            Reason refusal = Intake.refusal(control);
            return refusal == null ? new Route(control.getJobId(), control, null)
                    : new Route(null, null, publishOnly(jobs.onUnroutableControl(control, refusal, now)));
        }
        if (value instanceof ReplicationResult result && !Intake.isId(result.getJobId())) {
            return new Route(null, null, publishOnly(unknownResult(result.getJobId(), result.getVmId(), result.getCommandId(),
                    "replication " + result.getCode(), now)));
        }
        if (value instanceof ReplicationResult result) {
            return new Route(result.getJobId(), result, null);
        }
        return new Route(null, null, new Outbox()); // a tombstone carries nothing to route
    }

    /** Decides {@code value}, read under {@code key}, against the job store, stores the outcome, returns what to send. */
    public Outbox handle(String key, Object value, JobStore store, Inventory inventory, long now) {
        if (value == null) {
            return new Outbox(); // tombstones carry nothing for jobs
        }
        if (value instanceof OrchestratorInput routed && routed.getRefusal() != null) {
            return refusedAtRouter(routed.getInput(), Reason.of(routed.getRefusal()), store, now);
        }
        if (value instanceof OrchestratorInput routed) {
            return handleRouted(key, routed.getInput(), store, inventory, now);
        }
        if (value instanceof WorkDue due) {
            Job job = store.job(due.jobId());
            List<Followup.Resume> kept = job == null ? List.of() : store.work(due.jobId());
            return kept.isEmpty() ? new Outbox() : workOff(store, job, new ArrayDeque<>(kept), true, new Outbox(), now);
        }
        if (value instanceof TimerDue due) {
            Job job = store.job(due.jobId());
            VmJob vm = job == null || due.vmId().isEmpty() ? null : store.vm(due.jobId(), due.vmId());
            if (job == null || !due.vmId().isEmpty() && vm == null) {
                return new Outbox();
            }
            return apply(store, vm == null ? jobs.onTimer(job, now) : vms.onTimer(job, vm, now));
        }
        if (value instanceof VmClaimAnswer a) {
            VmJob vm = store.vm(a.getJobId(), a.getVmId());
            return apply(store, vm == null ? unknownResult(a.getJobId(), a.getVmId(), null, "claim answer", now)
                    : vms.onClaimAnswer(store.job(a.getJobId()), vm, a, now));
        }
        Reply reply = Reply.of(value);
        if (reply == null) {
            throw new IllegalArgumentException("unexpected record type " + value.getClass().getName());
        }
        VmJob vm = store.vm(reply.jobId(), reply.vmId());
        return apply(store, vm == null ? unknownResult(reply.jobId(), reply.vmId(), reply.commandId(), reply.what(), now)
                : vms.onResult(store.job(reply.jobId()), vm, reply, now, PointApplication.fromInventory(store, inventory, now)));
    }

    /**
     * A request, control command or replication result the router brought to this job's partition. Requests
     * and control commands are checked again: anyone who can write the internal topic could skip the router.
     */
    private Outbox handleRouted(String key, Object input, JobStore store, Inventory inventory, long now) {
        if (input instanceof FailbackRequest request) {
            Reason refusal = Intake.refusal(key, request);
            if (refusal != null) {
                return publishOnly(requests.onUnroutableRequest(request, refusal, now));
            }
            Job existing = store.job(request.getRequestId());
            return apply(store, existing != null ? requests.onRepeatedRequest(existing, request, now)
                    : requests.onRequest(request, Requests.factsFor(request, inventory), now));
        }
        if (input instanceof ControlCommand control) {
            Reason refusal = Intake.refusal(control);
            if (refusal == null && !control.getJobId().equals(key)) {
                refusal = new Reason(ReasonCode.INVALID_FIELD, "routed under another job's key");
            }
            if (refusal != null) {
                return publishOnly(jobs.onUnroutableControl(control, refusal, now));
            }
            Job job = store.job(control.getJobId());
            if (job != null && job.recentControls().contains(control.getControlId())) {
                Decision d = new Decision(job, now);
                JobSaga.refuse(d, control, ReasonCode.REPLAYED, "control " + control.getControlId() + " was already taken by job "
                        + job.jobId() + "; this replay changes nothing");
                return apply(store, d);
            }
            if (job != null && !signing.roster().mayActOn(control.getRequestedBy(), job.planId())) {
                Decision d = new Decision(job, now);
                JobSaga.refuse(d, control, ReasonCode.NOT_PERMITTED, "the roster's plan rules don't let " + control.getRequestedBy()
                        + " act on plan " + job.planId() + "; this " + control.getAction() + " changes nothing");
                return apply(store, d);
            }
            Decision d;
            if (control.getAction() == ControlAction.RETRY && job != null) {
                VmJob named = control.getVmId() == null ? null : store.vm(job.jobId(), control.getVmId());
                d = attention.onRetry(job, named, control, now);
            } else {
                d = jobs.onControl(job, control, now);
            }
            if (job != null) {
                d.setJob(d.working().withControlSeen(control.getControlId()));
            }
            return apply(store, d);
        }
        if (input instanceof ReplicationResult) {
            return handle(key, input, store, inventory, now);
        }
        throw new IllegalArgumentException("unexpected routed input " + input.getClass().getName());
    }

    /**
     * A request or control the router refused (its signature, or its signer's role): published against the job's
     * real state when there is a job, as a refused request (nothing stored) when there is none; nothing changes.
     */
    private Outbox refusedAtRouter(Object input, Reason reason, JobStore store, long now) {
        if (input instanceof FailbackRequest request) {
            Job job = store.job(request.getRequestId());
            if (job == null) {
                return publishOnly(requests.onUnroutableRequest(request, reason, now));
            }
            Decision d = new Decision(job, now);
            d.audit(AuditKind.REFUSAL, null, null, Intake.quote(request.getRequestedBy()), "request refused",
                    reason.code() + ": " + reason.message());
            JobSaga.publishRefusal(d, reason);
            return publishOnly(d);
        }
        if (input instanceof ControlCommand control) {
            Job job = store.job(control.getJobId());
            if (job == null) {
                return publishOnly(jobs.onUnroutableControl(control, reason, now));
            }
            Decision d = new Decision(job, now);
            JobSaga.refuse(d, control, reason.code(), reason.message());
            return publishOnly(d);
        }
        throw new IllegalArgumentException("the router refuses only requests and control commands, not " + input.getClass().getName());
    }

    /**
     * Stores what {@code first} decided and works off every follow-up it (transitively) asked for, one VM at a time,
     * after any the job kept from earlier calls: at most {@link #vmsPerCall} VMs here, the rest kept for {@link WorkDue}.
     */
    private Outbox apply(JobStore store, Decision first) {
        Outbox out = new Outbox();
        Deque<Followup.Resume> queue = new ArrayDeque<>();
        absorb(store, first, out, queue);
        Job job = first.job();
        if (queue.isEmpty() || job == null) {
            return out;
        }
        List<Followup.Resume> kept = store.work(job.jobId());
        for (int i = kept.size() - 1; i >= 0; i--) {
            queue.addFirst(kept.get(i)); // a job's follow-ups apply in the order they were decided
        }
        return workOff(store, job, queue, !kept.isEmpty(), out, first.now());
    }

    /**
     * Applies the queue's follow-ups to the next slice of the job's VMs, and keeps what is left with the job. A slice
     * is the next {@link #vmsPerCall} VMs a follow-up changes: the VMs it passes over unchanged (a boot group's release
     * passes over every VM of the other groups) don't count, so the VMs it concerns get their commands with the
     * decision, not one punctuation per slice of others later. The VMs looked at per call are bounded all the same.
     */
    private Outbox workOff(JobStore store, Job start, Deque<Followup.Resume> queue, boolean kept, Outbox out, long now) {
        Job job = start;
        String jobId = start.jobId();
        int budget = vmsPerCall;
        int looks = LOOKS_PER_SLICE * vmsPerCall;
        while (!queue.isEmpty() && job != null && budget > 0 && looks > 0) {
            Followup.Resume next = queue.poll();
            String after = next.afterVmId();
            boolean left = true;
            while (left && budget > 0 && looks > 0) {
                int asked = Math.min(looks, vmsPerCall);
                List<String> page = store.vmIdsAfter(jobId, after, asked);
                int read = 0;
                for (String vmId : page) {
                    VmJob vm = store.vm(jobId, vmId);
                    read++;
                    looks--;
                    after = vmId;
                    if (next.followup().passesOver(vm)) {
                        continue; // another group's VM: nothing to decide
                    }
                    Decision d = vms.onFollowup(job, vm, next.followup(), now);
                    if (!d.vms().isEmpty() || d.jobChanged() || !d.followups().isEmpty() || !d.outbox().isEmpty()) {
                        budget--;
                    }
                    absorb(store, d, out, queue);
                    job = d.job();
                    if (budget == 0 || job == null) {
                        break;
                    }
                }
                left = page.size() == asked || read < page.size(); // VMs after this page, or after the one it stopped at
            }
            if (left) {
                queue.addFirst(new Followup.Resume(next.followup(), after));
            }
        }
        if (kept || !queue.isEmpty()) {
            store.putWork(jobId, List.copyOf(queue));
        }
        return out;
    }

    private static void absorb(JobStore store, Decision d, Outbox out, Deque<Followup.Resume> queue) {
        if (d.job() != null && d.jobChanged()) {
            store.put(d.job());
        }
        d.vms().values().forEach(store::put);
        out.add(d);
        d.followups().forEach(f -> queue.add(new Followup.Resume(f, null)));
    }

    private static Outbox publishOnly(Decision d) {
        Outbox out = new Outbox();
        out.statuses.addAll(d.statuses());
        out.audits.addAll(d.audits());
        return out;
    }

    /** A result for a job or VM that doesn't exist (here) at all: audited, nothing else. */
    private static Decision unknownResult(String jobId, String vmId, String commandId, String what, long now) {
        Decision d = new Decision(null, now);
        d.audits().add(new AuditRecord(Intake.safeId(jobId), Intake.quote(vmId), commandId == null ? null : Intake.quote(commandId),
                Instant.ofEpochMilli(now), "", AuditKind.STALE_RESULT, "result for unknown job or VM ignored", what));
        return d;
    }
}
