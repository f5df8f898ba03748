package io.failback.orchestrator.streams;

import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OrchestratorInput;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.Outbox;
import io.failback.orchestrator.saga.Signing;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.Roster;
import io.failback.schemas.signing.SignatureCheck;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first hop of what operators write: a request or a control command may sit on any partition (a
 * client's partitioner is its own), so each one whose fields are within bounds is forwarded, keyed by its
 * job id, to the internal inputs topic, whose partitions Kafka's own partitioner picks, the same way it
 * picks the partitions of the agents' results for that job. What can't name a job is refused (the core
 * decides which), with its reason on status and audit. A replication result takes this hop only when it
 * landed on a partition other than its job's ({@link JobProcessor}).
 * <p>
 * When signatures are required (the default), a request or control command must be signed by an operator of
 * the roster whose role allows it ({@link SignatureCheck}); its {@code requestedBy} becomes that verified
 * operator. One that isn't goes to its job with the refusal, so the job's partition publishes it against the
 * job's real state and nothing changes.
 */
final class InputRouter implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(InputRouter.class);

    private final Orchestrator orchestrator;
    private final SignatureCheck check;
    private ProcessorContext<String, Object> context;

    InputRouter(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
        Signing signing = orchestrator.signing();
        this.check = signing.required() ? new SignatureCheck(signing.roster(), signing.maxSkew()) : null;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        RawValue raw = record.value() instanceof RawValue r ? r : null;
        Orchestrator.Route route = orchestrator.route(record.key(), raw == null ? record.value() : raw.value(), now);
        if (route.jobId() != null) {
            OrchestratorInput input = new OrchestratorInput(route.input(), null);
            if (check != null && raw != null) {
                input = verified(record, raw, route.input(), now);
            }
            context.forward(new Record<>(route.jobId(), input, now), FailbackTopology.TO_INPUTS);
            return;
        }
        publishRefusal(context, record.key(), route.refusal(), now);
    }

    /** Publishes why an input read under {@code key} reaches no job: its statuses, their job-state copies, its audits. */
    static void publishRefusal(ProcessorContext<String, Object> context, String key, Outbox refusal, long now) {
        if (!refusal.audits.isEmpty()) {
            log.warn("input under key {} refused before reaching a job: {}", LogSafe.of(key),
                    LogSafe.of(refusal.audits.get(0).getDetail()));
        }
        refusal.statuses.forEach(s -> context.forward(new Record<>(s.getJobId(), s, now), FailbackTopology.TO_STATUS));
        refusal.statuses.forEach(s -> context.forward(new Record<>(Topics.jobStateKey(s), s, now), FailbackTopology.TO_JOB_STATE));
        refusal.audits.forEach(a -> context.forward(new Record<>(a.getJobId(), a, now), FailbackTopology.TO_AUDIT));
    }

    /** The input with its verified operator and signing time, or with the reason it may not act. */
    private OrchestratorInput verified(Record<String, Object> record, RawValue raw, Object input, long now) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        SignatureCheck.Verdict verdict;
        if (input instanceof FailbackRequest request) {
            verdict = check.verify(topic, record.key(), raw.bytes(), record.headers(), Roster.Action.SUBMIT, request.getPlanId(), now);
            if (verdict.ok()) {
                return new OrchestratorInput(FailbackRequest.newBuilder(request).setRequestedBy(verdict.operator())
                        .setRequestedAt(java.time.Instant.ofEpochMilli(verdict.signedAt())).build(), null);
            }
        } else if (input instanceof ControlCommand control) {
            verdict = check.verify(topic, record.key(), raw.bytes(), record.headers(), Roster.Action.valueOf(control.getAction().name()),
                    null, now);
            if (verdict.ok()) {
                return new OrchestratorInput(ControlCommand.newBuilder(control).setRequestedBy(verdict.operator())
                        .setRequestedAt(java.time.Instant.ofEpochMilli(verdict.signedAt())).build(), null);
            }
        } else {
            return new OrchestratorInput(input, null); // a replication result: the broker's ACLs say who writes those
        }
        log.warn("{} under key {} refused: {} {}", input.getClass().getSimpleName(), LogSafe.of(record.key()), verdict.refusal(),
                LogSafe.of(verdict.message()));
        Object unverified = input instanceof FailbackRequest request
                ? FailbackRequest.newBuilder(request).setRequestedBy(unverified(request.getRequestedBy())).build()
                : ControlCommand.newBuilder((ControlCommand) input).setRequestedBy(unverified(((ControlCommand) input).getRequestedBy())).build();
        return new OrchestratorInput(unverified, new io.failback.messages.Reason(verdict.refusal(), verdict.message()));
    }

    /** What a refused record claimed, marked so that status and audit never show a claim as a verified operator. */
    private static String unverified(String claimed) {
        return "unverified:" + LogSafe.of(claimed, 64);
    }
}
