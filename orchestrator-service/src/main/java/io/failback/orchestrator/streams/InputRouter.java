package io.failback.orchestrator.streams;

import io.failback.messages.OrchestratorInput;
import io.failback.orchestrator.saga.Orchestrator;
import io.failback.orchestrator.saga.Outbox;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topics;
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
 * can't name a job is refused (the core decides which), with its reason on status and audit.
 */
final class InputRouter implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(InputRouter.class);

    private final Orchestrator orchestrator;
    private ProcessorContext<String, Object> context;

    InputRouter(Orchestrator orchestrator) {
        this.orchestrator = orchestrator;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        Orchestrator.Route route = orchestrator.route(record.key(), record.value(), now);
        if (route.jobId() != null) {
            context.forward(new Record<>(route.jobId(), new OrchestratorInput(route.input()), now), FailbackTopology.TO_INPUTS);
            return;
        }
        Outbox refusal = route.refusal();
        if (!refusal.audits.isEmpty()) {
            log.warn("input under key {} refused before reaching a job: {}", LogSafe.of(record.key()),
                    LogSafe.of(refusal.audits.get(0).getDetail()));
        }
        refusal.statuses.forEach(s -> context.forward(new Record<>(s.getJobId(), s, now), FailbackTopology.TO_STATUS));
        refusal.statuses.forEach(s -> context.forward(new Record<>(Topics.jobStateKey(s), s, now), FailbackTopology.TO_JOB_STATE));
        refusal.audits.forEach(a -> context.forward(new Record<>(a.getJobId(), a, now), FailbackTopology.TO_AUDIT));
    }
}
