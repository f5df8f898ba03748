package io.failback.orchestrator.streams;

import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ReplicationResult;
import io.failback.orchestrator.saga.Decision;
import io.failback.orchestrator.saga.FailbackSaga;
import io.failback.orchestrator.saga.Intake;
import io.failback.orchestrator.saga.Reason;
import io.failback.orchestrator.saga.SagaRunner;
import io.failback.schemas.LogSafe;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first hop of what clients write: a request, a control command or a replication result may sit
 * on any partition (a client's partitioner is its own), so each one whose fields are within bounds is
 * forwarded, keyed by its job id, to the internal inputs topic, whose partitions Kafka's own
 * partitioner picks, the same way it picks the partitions of the agents' results for that job. What
 * can't name a job is refused here, with its reason on status and audit, and nothing is stored.
 */
final class InputRouter implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(InputRouter.class);

    private final SagaRunner runner;
    private ProcessorContext<String, Object> context;

    InputRouter(SagaRunner runner) {
        this.runner = runner;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        FailbackSaga saga = runner.saga();
        Object value = record.value();
        if (value instanceof FailbackRequest request) {
            Reason refusal = Intake.refusal(record.key(), request);
            if (refusal == null) {
                route(FailbackSaga.jobIdOf(request), request, now);
            } else {
                log.warn("request {} refused before becoming a job: {}", LogSafe.of(request.getRequestId()), LogSafe.of(refusal.message()));
                publish(saga.onUnroutableRequest(request, refusal, now), now);
            }
        } else if (value instanceof ControlCommand control) {
            Reason refusal = Intake.refusal(control);
            if (refusal == null) {
                route(control.getJobId(), control, now);
            } else {
                log.warn("{} for job {} refused: {}", control.getAction(), LogSafe.of(control.getJobId()), LogSafe.of(refusal.message()));
                publish(saga.onUnroutableControl(control, refusal, now), now);
            }
        } else if (value instanceof ReplicationResult result) {
            if (Intake.isId(result.getJobId())) {
                route(result.getJobId(), result, now);
            } else {
                publish(saga.onUnknownResult(result.getJobId(), result.getVmId(), result.getCommandId(),
                        "replication " + result.getCode(), now), now);
            }
        }
        // a tombstone (null value) carries nothing to route
    }

    private void route(String jobId, Object input, long now) {
        context.forward(new Record<>(jobId, new OrchestratorInput(input), now), FailbackTopology.TO_INPUTS);
    }

    private void publish(Decision d, long now) {
        d.statuses().forEach(s -> context.forward(new Record<>(s.getJobId(), s, now), FailbackTopology.TO_STATUS));
        d.audits().forEach(a -> context.forward(new Record<>(a.getJobId(), a, now), FailbackTopology.TO_AUDIT));
    }
}
