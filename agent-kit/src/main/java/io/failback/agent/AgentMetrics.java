package io.failback.agent;

import java.util.function.Supplier;

import io.failback.schemas.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the skeleton measures for every agent: how long each operation ran and how it ended, and what was
 * dead-lettered. Recorded in Micrometer's global registry, which Spring Boot exports on the agent's
 * Prometheus endpoint (and which stays empty, at no cost, where no registry is configured).
 */
final class AgentMetrics {

    private AgentMetrics() {
    }

    /** Runs the agent's handler on one command, timed under its operation (the command's payload type) and result code. */
    static <C extends SpecificRecord, R extends SpecificRecord> R timed(AgentSpec<C, R> agent, C command, Supplier<R> run) {
        long start = System.nanoTime();
        String outcome = "EXCEPTION";
        try {
            R result = run.get();
            outcome = String.valueOf(Envelope.get(result, Envelope.CODE));
            return result;
        } finally {
            Timer.builder(Meters.AGENT_OPERATION).description("an agent operation's run, by operation and result code")
                    .tag("agent", agent.service()).tag("operation", operation(command)).tag("outcome", outcome)
                    .publishPercentileHistogram().register(Metrics.globalRegistry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    static void deadLettered(String service, String fromTopic) {
        Counter.builder(Meters.DEAD_LETTERS).description("records dead-lettered, by the topic they came from")
                .tag("service", service).tag("topic", String.valueOf(fromTopic)).register(Metrics.globalRegistry).increment();
    }

    /** The type of the command's operation (a union of records): a bounded set of names, fit for a tag. */
    private static String operation(SpecificRecord command) {
        org.apache.avro.Schema.Field field = command.getSchema().getField("operation");
        Object operation = field == null ? null : command.get(field.pos());
        return operation == null ? command.getSchema().getName() : operation.getClass().getSimpleName();
    }
}
