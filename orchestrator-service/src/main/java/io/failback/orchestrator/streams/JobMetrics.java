package io.failback.orchestrator.streams;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.StatusEvent;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Outbox;
import io.failback.schemas.Meters;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * The orchestrator's step metrics, read off what the saga decided: its audit records say which command was sent
 * (again), which result came back with which code, and which step timed out. Kept apart from the saga, which
 * stays pure; registered in Micrometer's global registry, which Spring Boot exports (and tests without Spring
 * leave empty, so recording costs nothing there).
 */
public final class JobMetrics {

    /** The one instance of this JVM: every stream task's processor records into it. */
    public static final JobMetrics INSTANCE = new JobMetrics(Metrics.globalRegistry);

    /** Beyond this many unanswered commands the oldest are forgotten: an instance that stops hearing back must not grow without bound. */
    private static final int MAX_TRACKED = 100_000;
    private static final Pattern STEP = Pattern.compile("[A-Z][A-Z0-9_]+");
    /** VM states in which none of the VM's commands is awaited any more (a lost answer is then no longer in flight). */
    private static final Set<VmState> SETTLED = EnumSet.of(VmState.REJECTED, VmState.FAILED_BACK_AWAITING_COMMIT,
            VmState.REPROTECTED, VmState.ROLLED_BACK, VmState.FAILED, VmState.NEEDS_ATTENTION);

    private final MeterRegistry registry;
    /**
     * The commands sent and not answered yet, by job and VM ({@code jobId/vmId}), each with its first send: a VM has one
     * or two out at once, so a small array each. One map by VM, not one by command id as well: a result and a settled VM
     * both find theirs with one lookup.
     */
    private final Map<String, Sent[]> inFlight = new ConcurrentHashMap<>();
    /** How many commands {@link #inFlight} holds. */
    private final java.util.concurrent.atomic.AtomicInteger inFlightCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Meters looked up once: a result's counter by its audit action ("STEP CODE"), a timer by step. */
    private final Map<String, Counter> stepCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> stepTimers = new ConcurrentHashMap<>();

    private record Sent(String commandId, String step, long at) {
    }

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(Meters.COMMANDS_IN_FLIGHT, inFlightCount, java.util.concurrent.atomic.AtomicInteger::get)
                .description("commands sent to an agent or the engine and not answered yet").register(registry);
        // the counters a scrape should show at zero before anything went wrong, rather than not at all
        for (Step step : Step.values()) {
            resent(step.name());
            timeouts(step.name());
        }
        for (Topic<?, ?> input : List.of(Topics.REQUESTS, Topics.CONTROL, Topics.REPLICATION_EVENTS, Topics.ORCHESTRATOR_INPUTS,
                Topics.VCENTER_EVENTS, Topics.AZURE_EVENTS, Topics.VM_CLAIMS, Topics.VM_CLAIM_ANSWERS)) {
            deadLetters(registry, DeadLetterHandler.SERVICE, input.name());
        }
    }

    /** Records what one call of the saga decided. */
    void record(Outbox out) {
        for (AuditRecord a : out.audits) {
            if (a.getKind() == AuditKind.COMMAND && a.getCommandId() != null) {
                sent(a);
            } else if (a.getKind() == AuditKind.RESULT && a.getCommandId() != null) {
                answered(a);
            } else if (a.getKind() == AuditKind.DECISION && "step timed out".equals(a.getAction())) {
                timedOut(a);
            }
        }
        for (StatusEvent s : out.statuses) {
            if (s.getVm() != null && SETTLED.contains(s.getVm().getState())) {
                forget(s.getJobId(), s.getVm().getVmId());
            }
        }
    }

    /** Every command of this VM still counted in flight is no longer awaited. */
    private void forget(String jobId, String vmId) {
        Sent[] sent = inFlight.remove(vmKey(jobId, vmId));
        if (sent != null) {
            inFlightCount.addAndGet(-sent.length);
        }
    }

    private static String vmKey(String jobId, String vmId) {
        return jobId + "/" + vmId;
    }

    /** A record a service could not read or process went to its dead-letter topic. */
    public static void deadLettered(String service, String fromTopic) {
        deadLetters(Metrics.globalRegistry, service, String.valueOf(fromTopic)).increment();
    }

    private static Counter deadLetters(MeterRegistry registry, String service, String fromTopic) {
        return Counter.builder(Meters.DEAD_LETTERS).description("records dead-lettered, by the topic they came from")
                .tag("service", service).tag("topic", fromTopic).register(registry);
    }

    private Counter resent(String step) {
        return Counter.builder(Meters.COMMANDS_RESENT).description("commands sent again after their step timeout")
                .tag("step", step).register(registry);
    }

    private Counter timeouts(String step) {
        return Counter.builder(Meters.STEP_TIMEOUTS).description("steps given up after their last attempt timed out")
                .tag("step", step).register(registry);
    }

    private void sent(AuditRecord a) {
        String action = a.getAction();
        if (action.endsWith("sent again")) {
            resent(firstWord(action)).increment();
            return;
        }
        if (inFlightCount.get() >= MAX_TRACKED) {
            inFlight.clear();
            inFlightCount.set(0);
        }
        String commandId = a.getCommandId();
        Sent sent = new Sent(commandId, firstWord(action), a.getAt().toEpochMilli());
        boolean[] added = {false};
        inFlight.compute(vmKey(a.getJobId(), a.getVmId()), (k, out) -> {
            if (out != null && indexOf(out, commandId) >= 0) {
                return out; // counted from its first send
            }
            added[0] = true;
            if (out == null) {
                return new Sent[] {sent};
            }
            Sent[] more = java.util.Arrays.copyOf(out, out.length + 1);
            more[out.length] = sent;
            return more;
        });
        if (added[0]) {
            inFlightCount.incrementAndGet();
        }
    }

    private void answered(AuditRecord a) {
        String action = a.getAction();
        stepCounters.computeIfAbsent(action, this::noCounterYet).increment();
        String commandId = a.getCommandId();
        Sent[] found = {null};
        inFlight.computeIfPresent(vmKey(a.getJobId(), a.getVmId()), (k, out) -> {
            int i = indexOf(out, commandId);
            if (i < 0) {
                return out;
            }
            found[0] = out[i];
            if (out.length == 1) {
                return null;
            }
            Sent[] rest = new Sent[out.length - 1];
            System.arraycopy(out, 0, rest, 0, i);
            System.arraycopy(out, i + 1, rest, i, out.length - i - 1);
            return rest;
        });
        Sent sent = found[0];
        if (sent != null) {
            inFlightCount.decrementAndGet();
            stepTimers.computeIfAbsent(sent.step(), step -> Timer.builder(Meters.STEP_DURATION).description("from a command's first send to its result")
                    .tag("step", step).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                    .maximumExpectedValue(Duration.ofMinutes(30)).register(registry))
                    .record(Math.max(0, a.getAt().toEpochMilli() - sent.at()), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private static int indexOf(Sent[] sent, String commandId) {
        for (int i = 0; i < sent.length; i++) {
            if (sent[i].commandId().equals(commandId)) {
                return i;
            }
        }
        return -1;
    }

    /** The counter of results whose audit action is {@code action}: its first word the step, its second the result code. */
    private Counter noCounterYet(String action) {
        String[] words = action.split(" ");
        return Counter.builder(Meters.VM_STEPS).description("agent results received, by step and result code")
                .tag("step", words[0]).tag("outcome", words.length > 1 ? words[1] : "UNKNOWN").register(registry);
    }

    private void timedOut(AuditRecord a) {
        Matcher steps = STEP.matcher(a.getDetail());
        while (steps.find()) {
            timeouts(steps.group()).increment();
        }
        forget(a.getJobId(), a.getVmId());
    }

    private static String firstWord(String action) {
        int space = action.indexOf(' ');
        return space < 0 ? action : action.substring(0, space);
    }
}
