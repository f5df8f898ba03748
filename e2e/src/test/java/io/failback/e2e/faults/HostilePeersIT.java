package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.failback.demo.FailbackSandbox;
import io.failback.sandbox.arm.Faults;
import io.failback.sandbox.arm.LoggedCall;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The peers misbehave mid-plan: vCenter hangs (its simulator frozen with SIGSTOP) for longer than a step
 * timeout, and Azure Resource Manager throttles (429 with Retry-After) and then fails (500) in storms.
 * Each plan must still end with every VM fully failed back or fully rolled back, its status saying which
 * and why, no irreversible step sent twice, nothing dead-lettered.
 */
@ExtendWith(SharedFaultStage.class)
@Order(3)
class HostilePeersIT {

    /** A plan here takes half a minute, a hang another; a plan still running after this will not end. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    /** Longer than the orchestrator's step timeout, so that both it and the agent's own deadline pass. */
    private static final Duration HANG = FaultStage.VCENTER_STEP_TIMEOUT.plusSeconds(5);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final int THROTTLED = 6;
    private static final int FAILED = 6;

    @Test
    void shouldEndEveryVmFailedBackOrRolledBackWhenVcenterHangsLongerThanAStepTimeoutMidPlan(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        PlanRun run = PlanRun.submit(sandbox, stage.watch(), FaultStage.HANG_PLAN, "hang-" + System.currentTimeMillis());
        assertThat(stage.tap().awaitFirst(KillPoint.ATTACH_GROUP_1.in(run.jobId(), run.vms()), RUN_TIMEOUT,
                () -> PlanRun.ENDED.contains(stage.watch().state(run.jobId())))).as("the plan reached its first attach").isPresent();

        CompletableFuture<Void> thawed = sandbox.vcsim().freezeFor(HANG);
        try {
            run.finish(RUN_TIMEOUT);
        } finally {
            thawed.join();
        }

        PlanRun.Verdict verdict = run.verify();
        System.out.println("vCenter hang of " + HANG.toSeconds() + " s: " + verdict.summary() + " in " + run.elapsed().toSeconds() + " s");
        verdict.ends().forEach(e -> System.out.println("  " + e + "; status " + verdict.statuses().get(e.vm().vmId())));
        assertThat(verdict.problems()).isEmpty();
        assertThat(sandbox.endedService()).isEmpty();
    }

    @Test
    void shouldEndEveryVmFailedBackOrRolledBackThroughArmStormsOfThrottlingThenServerErrors(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        Faults faults = sandbox.arm().faults();
        int loggedBefore = sandbox.arm().operationLog().calls().size();
        PlanRun run = PlanRun.submit(sandbox, stage.watch(), FaultStage.STORM_PLAN, "storm-" + System.currentTimeMillis());
        try {
            assertThat(stage.tap().awaitFirst(KillPoint.SHUT_DOWN.in(run.jobId(), run.vms()), RUN_TIMEOUT,
                    () -> PlanRun.ENDED.contains(stage.watch().state(run.jobId())))).as("the plan reached the shutdown").isPresent();
            faults.throttleNext(THROTTLED, RETRY_AFTER).failNext(FAILED);
            run.finish(RUN_TIMEOUT, () -> {
                // and again while the commit deletes the Azure VMs
                faults.throttleNext(THROTTLED, RETRY_AFTER).failNext(FAILED);
                stage.watch().control(run.jobId(), io.failback.messages.ControlAction.COMMIT);
            });
        } finally {
            faults.clear();
        }

        List<LoggedCall> calls = new ArrayList<>(sandbox.arm().operationLog().calls());
        calls = calls.subList(loggedBefore, calls.size());
        long throttled = calls.stream().filter(c -> c.status() == 429).count();
        long failed = calls.stream().filter(c -> c.status() == 500).count();
        PlanRun.Verdict verdict = run.verify();
        System.out.printf("ARM storms: %d calls answered 429, %d answered 500; %s in %d s%n", throttled, failed, verdict.summary(),
                run.elapsed().toSeconds());
        verdict.ends().forEach(e -> System.out.println("  " + e + "; status " + verdict.statuses().get(e.vm().vmId())));
        assertThat(throttled).as("throttled calls").isGreaterThanOrEqualTo(THROTTLED);
        assertThat(failed).as("failed calls").isGreaterThanOrEqualTo(FAILED);
        assertThat(verdict.problems()).isEmpty();
        assertThat(retriedTooSoon(calls)).as("calls repeated before the Retry-After ARM asked for").isEmpty();
        assertThat(sandbox.endedService()).isEmpty();
    }

    /** Every throttled call whose repeat (same method and path) came before Retry-After had passed. */
    private static List<String> retriedTooSoon(List<LoggedCall> calls) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            LoggedCall c = calls.get(i);
            if (c.status() != 429) {
                continue;
            }
            for (int j = i + 1; j < calls.size(); j++) {
                LoggedCall next = calls.get(j);
                if (next.method().equals(c.method()) && next.path().equals(c.path())) {
                    Duration gap = Duration.between(c.at(), next.at());
                    if (gap.compareTo(RETRY_AFTER.minusMillis(100)) < 0) {
                        out.add(c.method() + " " + c.path() + " repeated " + gap.toMillis() + " ms after a 429");
                    }
                    break;
                }
            }
        }
        return out;
    }
}
