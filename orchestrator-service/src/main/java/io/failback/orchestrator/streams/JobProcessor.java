package io.failback.orchestrator.streams;

import java.time.Duration;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReplicationResult;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmClaim;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.Outbox;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Kafka Streams side of the saga: each record (request, control command, agent result, claim answer)
 * and each due timer goes to {@link Orchestrator#handle} with the job store and the inventory, and what
 * it returns is forwarded. No rule lives here.
 */
final class JobProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    /** Due timers handled per punctuation, so one tick never holds the thread for long. */
    private static final int TIMERS_PER_TICK = 5_000;
    /**
     * How often a large plan's next slice of VMs is taken on, while any is left: as soon as the thread is free of
     * the records it polled, while the transaction of the slice before commits on its own interval.
     */
    static final Duration WORK_TICK = Duration.ofMillis(5);

    /** VM records of ended jobs forgotten per tick, so a large plan's go over several ticks. */
    static final int FORGOTTEN_PER_TICK = 1_000;

    private final Orchestrator orchestrator;
    private final Duration tick;
    private final Duration endedJobRetention;
    private ProcessorContext<String, Object> context;
    private KeyValueJobStore store;
    private StoreInventory inventory;
    /** The work punctuator, scheduled only while a job of this task has work left: idle tasks pay nothing for it. */
    private Cancellable working;

    JobProcessor(Orchestrator orchestrator, Duration tick, Duration endedJobRetention) {
        this.orchestrator = orchestrator;
        this.tick = tick;
        this.endedJobRetention = endedJobRetention;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = new KeyValueJobStore(context.getStateStore(StoreNames.JOBS), context.getStateStore(StoreNames.JOB_VMS),
                context.getStateStore(StoreNames.JOB_VM_FACTS), context.getStateStore(StoreNames.JOB_WORK), endedJobRetention);
        this.inventory = new StoreInventory(context.getStateStore(StoreNames.INVENTORY),
                context.getStateStore(StoreNames.RECOVERY_POINTS));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
        scheduleWork();
    }

    private void scheduleWork() {
        boolean left = store.hasWork();
        if (left && working == null) {
            working = context.schedule(WORK_TICK, PunctuationType.WALL_CLOCK_TIME, this::onWork);
        } else if (!left && working != null) {
            working.cancel();
            working = null;
        }
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        long began = System.nanoTime();
        String key = record.key();
        Object value = record.value();
        if (value instanceof ReplicationResult result) {
            // The engine's partitioner is its own: a result is handled here if this task holds its job, and otherwise
            // goes on to its job's partition through the inputs topic, as operators' inputs do (InputRouter).
            Orchestrator.Route route = orchestrator.route(key, result, now);
            if (route.jobId() == null) {
                InputRouter.publishRefusal(context, key, route.refusal(), now);
                return;
            }
            value = new OrchestratorInput(route.input(), null);
            if (store.job(route.jobId()) == null) {
                context.forward(new Record<>(route.jobId(), value, now), FailbackTopology.TO_INPUTS);
                return;
            }
            key = route.jobId();
        }
        MDC.put("jobId", LogSafe.of(key)); // what this record's processing logs concerns this job
        LogContext.putVmAndCommand(value); // and this VM and command, for an agent's result or a claim answer
        Outbox out;
        try {
            out = orchestrator.handle(key, value, store, inventory, now);
        } finally {
            store.flush();
        }
        forward(out, madeAt(now, began));
        scheduleWork();
        if (record.value() instanceof OrchestratorInput input && input.getInput() instanceof FailbackRequest request) {
            Job job = store.job(request.getRequestId());
            log.info("request {} by {}: job {}", LogSafe.of(request.getRequestId()), LogSafe.of(request.getRequestedBy()),
                    job == null ? "refused" : job.state());
        }
        MDC.remove("jobId");
        LogContext.clear();
    }

    private void onTick(long now) {
        long began = System.nanoTime();
        for (String[] due : store.takeDue(now, TIMERS_PER_TICK)) {
            Outbox out;
            try {
                out = orchestrator.handle(due[0], new Orchestrator.TimerDue(due[0], due[1]), store, inventory, now);
            } finally {
                store.flush();
            }
            forward(out, madeAt(now, began));
        }
        for (KeyValueJobStore.Forgotten gone : store.forgetEnded(now, FORGOTTEN_PER_TICK)) {
            Job job = gone.job();
            String detail = "the orchestrator's records of its " + gone.vms() + " VM(s) were deleted, the job being " + job.state()
                    + (job.endedAt() > 0 ? " and ended more than " : " and requested more than ") + readable(endedJobRetention)
                    + " ago (failback.orchestrator.ended-job-retention); its"
                    + " header stays, and its statuses and audit trail stay on their topics";
            context.forward(new Record<>(job.jobId(), new AuditRecord(job.jobId(), null, null, java.time.Instant.ofEpochMilli(now), "",
                    AuditKind.DECISION, "ended job's VM records forgotten", detail), now), FailbackTopology.TO_AUDIT);
            log.info("job {} ({}): the records of its {} VM(s) forgotten after the retention", LogSafe.of(job.jobId()), job.state(),
                    gone.vms());
        }
        scheduleWork();
    }

    /** {@code d} as an operator reads it: "7 days", "36 hours", "90 minutes", "45 seconds". */
    static String readable(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
        }
        return d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds");
    }

    /** One slice of each job with follow-ups left part done. */
    private void onWork(long now) {
        long began = System.nanoTime();
        for (String jobId : store.jobsWithWork()) {
            MDC.put("jobId", LogSafe.of(jobId));
            Outbox out;
            try {
                out = orchestrator.handle(jobId, new Orchestrator.WorkDue(jobId), store, inventory, now);
            } finally {
                store.flush();
            }
            forward(out, madeAt(now, began));
            MDC.remove("jobId");
        }
        scheduleWork();
    }

    /**
     * The time the records a call made are handed on: the call's clock ({@code now}, what its decisions were taken at)
     * and what the call has taken since it {@code began} (a 10,000-VM plan's request stores the whole plan before its
     * first slice of checks, 0.2-0.3 s). A record's timestamp says when it was made, not when the call that made it began.
     */
    static long madeAt(long now, long began) {
        return now + (System.nanoTime() - began) / 1_000_000;
    }

    /** Forwards what a call decided, each record stamped {@code at}. */
    private void forward(Outbox out, long at) {
        JobMetrics.INSTANCE.record(out);
        out.azureCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, at), FailbackTopology.TO_AZURE));
        out.vcenterCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, at), FailbackTopology.TO_VCENTER));
        out.replicationCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, at), FailbackTopology.TO_REPLICATION));
        for (VmClaim claim : out.claims) {
            context.forward(new Record<>(claim.getVmId(), claim, at), FailbackTopology.TO_CLAIMS);
        }
        for (StatusEvent s : out.statuses) { // one after the other: the sinks share the bytes (FailbackTopology.EncodedOnce)
            context.forward(new Record<>(s.getJobId(), s, at), FailbackTopology.TO_STATUS);
            context.forward(new Record<>(Topics.jobStateKey(s), s, at), FailbackTopology.TO_JOB_STATE);
        }
        out.audits.forEach(a -> context.forward(new Record<>(a.getJobId(), a, at), FailbackTopology.TO_AUDIT));
    }
}
