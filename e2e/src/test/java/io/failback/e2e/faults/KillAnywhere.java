package io.failback.e2e.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;

/**
 * Kill-anywhere runs: a plan fails back while one of the services or the broker is killed with SIGKILL at
 * a chosen moment and started again after a pause. What is killed, when, and for how long comes from a
 * seeded random source, so that a run that goes wrong can be run again the same way.
 */
public final class KillAnywhere {

    private static final Duration MAX_JITTER = Duration.ofMillis(1500);
    private static final Duration MAX_DOWN = Duration.ofSeconds(10);

    private KillAnywhere() {
    }

    /** One run's fault: kill {@code victim} {@code jitter} after {@code point} is reached, start it again {@code down} later. */
    public record Fault(int run, Victim victim, KillPoint point, Duration jitter, Duration down) {
        @Override
        public String toString() {
            return String.format("run %d: kill %s %d ms after %s, restart after %.1f s", run, victim.label(), jitter.toMillis(), point,
                    down.toMillis() / 1000.0);
        }
    }

    /** The faults of {@code runs} runs; each group of four runs kills each victim once, in a random order. */
    public static List<Fault> draw(long seed, int runs) {
        Random random = new Random(seed);
        List<Fault> out = new ArrayList<>();
        List<Victim> cycle = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            if (cycle.isEmpty()) {
                cycle.addAll(Arrays.asList(Victim.values()));
                Collections.shuffle(cycle, random);
            }
            Victim victim = cycle.remove(0);
            KillPoint point = KillPoint.values()[random.nextInt(KillPoint.values().length)];
            out.add(new Fault(i, victim, point, Duration.ofMillis(random.nextInt((int) MAX_JITTER.toMillis() + 1)),
                    Duration.ofMillis(random.nextInt((int) MAX_DOWN.toMillis() + 1))));
        }
        return out;
    }

    /** What happened in one run. */
    public record Outcome(Fault fault, boolean killed, Duration killedAfter, PlanRun.Verdict verdict, Duration took,
                          Optional<String> endedService) {
        @Override
        public String toString() {
            return fault + (killed ? String.format(" (killed %.1f s into the run)", killedAfter.toMillis() / 1000.0) : " (point not reached)")
                    + " -> " + verdict.summary() + String.format(" in %.0f s", took.toMillis() / 1000.0);
        }
    }

    /** Runs the plan with the fault and checks the end; the victim is up again when this returns. */
    public static Outcome run(FailbackSandbox sandbox, JobWatch watch, CommandTap tap, Fault fault, String planId, String jobId,
                              Duration timeout) {
        PlanRun run = PlanRun.submit(sandbox, watch, planId, jobId);
        // the fault's timeline: once the point is reached, the kill is due after its jitter and the restart after its
        // downtime, each a stage scheduled that much later (the fault's own timing, not a wait for a condition)
        CompletableFuture<Optional<Duration>> chaos = CompletableFuture.supplyAsync(() -> tap.awaitFirst(fault.point().in(jobId, run.vms()),
                        timeout, () -> PlanRun.ENDED.contains(watch.state(jobId))))
                .thenCompose(at -> at.isEmpty() ? CompletableFuture.completedFuture(Optional.<Duration>empty())
                        : CompletableFuture.supplyAsync(() -> {
                            Duration after = run.elapsed();
                            fault.victim().kill(sandbox);
                            return after;
                        }, later(fault.jitter())).thenApplyAsync(after -> {
                            fault.victim().restart(sandbox);
                            return Optional.of(after);
                        }, later(fault.down())));
        String unfinished = null;
        try {
            run.finish(timeout);
        } catch (AssertionError e) {
            unfinished = e.getMessage();
        }
        Optional<Duration> killedAfter;
        try {
            killedAfter = chaos.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(fault + ": the kill or the restart failed: " + e, e);
        }
        PlanRun.Verdict verdict = run.verify();
        if (unfinished != null) {
            verdict = verdict.with("did not end: " + unfinished);
        }
        return new Outcome(fault, killedAfter.isPresent(), killedAfter.orElse(Duration.ZERO), verdict, run.elapsed(),
                sandbox.endedService());
    }

    /** Runs what it is given {@code delay} after it is given it. */
    private static java.util.concurrent.Executor later(Duration delay) {
        return CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
