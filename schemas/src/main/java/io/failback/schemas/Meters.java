package io.failback.schemas;

/**
 * The names of the metrics the services publish (Micrometer names; Prometheus writes them with {@code _}
 * and unit suffixes, e.g. {@code failback_step_duration_seconds}), defined once like the topics, and listed
 * with their tags in the README's metrics table.
 */
public final class Meters {

    /** Gauge, orchestrator: jobs in its stores by {@code state} (a {@code JobState}). */
    public static final String JOBS = "failback.jobs";
    /** Counter, orchestrator: agent results received, by {@code step} and {@code outcome} (the result code). */
    public static final String VM_STEPS = "failback.vm.steps";
    /** Timer with histogram, orchestrator: from a command's first send to its result, by {@code step}. */
    public static final String STEP_DURATION = "failback.step.duration";
    /** Gauge, orchestrator: commands sent and not answered yet (since this instance started). */
    public static final String COMMANDS_IN_FLIGHT = "failback.commands.in.flight";
    /** Counter, orchestrator: commands sent again after their step timeout, by {@code step}. */
    public static final String COMMANDS_RESENT = "failback.commands.resent";
    /** Counter, orchestrator: steps given up after their last attempt timed out, by {@code step}. */
    public static final String STEP_TIMEOUTS = "failback.step.timeouts";
    /** Counter, every service: records dead-lettered, by the {@code topic} they came from and the {@code service}. */
    public static final String DEAD_LETTERS = "failback.dead.letters";
    /** Timer, agents: an operation's run, by {@code agent}, {@code operation} (the command's type) and {@code outcome}. */
    public static final String AGENT_OPERATION = "failback.agent.operation";

    private Meters() {
    }
}
