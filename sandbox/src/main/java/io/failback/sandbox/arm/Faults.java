package io.failback.sandbox.arm;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * What the emulator does wrong on purpose, changeable while it runs: latency before answering, how
 * long an asynchronous operation takes, and faults (429 with {@code Retry-After}, 500) either for the
 * next N matching calls or at a rate drawn from a seeded random source. A fault is answered before the
 * request touches any state, as ARM's front door would. With no kinds given, a setting applies to
 * every kind.
 */
public final class Faults {

    /** An injected error answer. */
    public record Fault(int status, String code, String message, Duration retryAfter) {
    }

    private record Burst(Set<OperationKind> kinds, Fault fault, int[] remaining) {
    }

    private final Map<OperationKind, Duration> latency = new EnumMap<>(OperationKind.class);
    private final Map<OperationKind, Duration> operationDuration = new EnumMap<>(OperationKind.class);
    private final Deque<Burst> bursts = new ArrayDeque<>();
    private final Deque<Burst> failingOperations = new ArrayDeque<>();
    private final Random random;
    private double throttleRate;
    private double serverErrorRate;
    private Duration rateRetryAfter = Duration.ofSeconds(1);
    private Duration defaultOperationDuration;
    private Duration pollRetryAfter;

    Faults(long randomSeed, Duration defaultOperationDuration, Duration pollRetryAfter) {
        this.random = new Random(randomSeed);
        this.defaultOperationDuration = defaultOperationDuration;
        this.pollRetryAfter = pollRetryAfter;
    }

    /** Waits this long before answering calls of these kinds. */
    public synchronized Faults latency(Duration delay, OperationKind... kinds) {
        for (OperationKind kind : kindsOrAll(kinds)) {
            latency.put(kind, delay);
        }
        return this;
    }

    /** Asynchronous operations started by calls of these kinds take this long to reach a terminal state. */
    public synchronized Faults operationDuration(Duration duration, OperationKind... kinds) {
        if (kinds.length == 0) {
            defaultOperationDuration = duration;
            operationDuration.clear();
        }
        for (OperationKind kind : kinds) {
            operationDuration.put(kind, duration);
        }
        return this;
    }

    /** The {@code Retry-After} sent with 202 answers and in-progress polls; zero lets the client choose. */
    public synchronized Faults pollRetryAfter(Duration retryAfter) {
        this.pollRetryAfter = retryAfter;
        return this;
    }

    /** The next {@code times} calls of these kinds are answered 429 TooManyRequests with this Retry-After. */
    public synchronized Faults throttleNext(int times, Duration retryAfter, OperationKind... kinds) {
        bursts.add(new Burst(kindsOrAll(kinds), throttle(retryAfter), new int[] {times}));
        return this;
    }

    /** The next {@code times} calls of these kinds are answered 500 InternalServerError. */
    public synchronized Faults failNext(int times, OperationKind... kinds) {
        bursts.add(new Burst(kindsOrAll(kinds), serverError(), new int[] {times}));
        return this;
    }

    /** The next {@code times} calls of these kinds are answered with this ARM error (e.g. 409 Conflict). */
    public synchronized Faults answerNext(int times, int status, String code, String message, OperationKind... kinds) {
        bursts.add(new Burst(kindsOrAll(kinds), new Fault(status, code, message, null), new int[] {times}));
        return this;
    }

    /**
     * The next {@code times} asynchronous operations started by calls of these kinds are accepted (202)
     * and then end in status {@code Failed}, leaving the resource as it was.
     */
    public synchronized Faults failOperationsNext(int times, OperationKind... kinds) {
        failingOperations.add(new Burst(kindsOrAll(kinds), new Fault(200, "InternalExecutionError",
                "An internal execution error occurred. Please retry later.", null), new int[] {times}));
        return this;
    }

    /** Each call is throttled with this probability (0 to 1). */
    public synchronized Faults throttleRate(double rate, Duration retryAfter) {
        this.throttleRate = rate;
        this.rateRetryAfter = retryAfter;
        return this;
    }

    /** Each call is answered 500 with this probability (0 to 1). */
    public synchronized Faults serverErrorRate(double rate) {
        this.serverErrorRate = rate;
        return this;
    }

    /** Back to no latency, no faults; the operation duration and poll Retry-After stay. */
    public synchronized Faults clear() {
        latency.clear();
        bursts.clear();
        failingOperations.clear();
        throttleRate = 0;
        serverErrorRate = 0;
        return this;
    }

    synchronized Duration latencyOf(OperationKind kind) {
        return latency.getOrDefault(kind, Duration.ZERO);
    }

    synchronized Duration operationDurationOf(OperationKind kind) {
        return operationDuration.getOrDefault(kind, defaultOperationDuration);
    }

    synchronized Duration pollRetryAfter() {
        return pollRetryAfter;
    }

    /** The fault to answer this call with, if any; consumes one from a burst. */
    synchronized Optional<Fault> next(OperationKind kind) {
        Optional<Fault> burst = take(bursts, kind);
        if (burst.isPresent()) {
            return burst;
        }
        if (throttleRate > 0 && random.nextDouble() < throttleRate) {
            return Optional.of(throttle(rateRetryAfter));
        }
        if (serverErrorRate > 0 && random.nextDouble() < serverErrorRate) {
            return Optional.of(serverError());
        }
        return Optional.empty();
    }

    /** The error an asynchronous operation just started by this kind of call is to end with, if any. */
    synchronized Optional<Fault> nextOperationFailure(OperationKind kind) {
        return take(failingOperations, kind);
    }

    private static Optional<Fault> take(Deque<Burst> from, OperationKind kind) {
        Iterator<Burst> it = from.iterator();
        while (it.hasNext()) {
            Burst burst = it.next();
            if (burst.remaining()[0] <= 0) {
                it.remove();
            } else if (burst.kinds().contains(kind)) {
                burst.remaining()[0]--;
                return Optional.of(burst.fault());
            }
        }
        return Optional.empty();
    }

    private static Fault throttle(Duration retryAfter) {
        return new Fault(429, "TooManyRequests",
                "The request is being throttled as the limit has been reached for operation type. Please try again after "
                        + retryAfter.toSeconds() + " seconds.", retryAfter);
    }

    private static Fault serverError() {
        return new Fault(500, "InternalServerError",
                "The server encountered an internal error. Please retry the request.", null);
    }

    private static Set<OperationKind> kindsOrAll(OperationKind... kinds) {
        return kinds.length == 0 ? EnumSet.allOf(OperationKind.class) : EnumSet.copyOf(Arrays.asList(kinds));
    }
}
