package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.failback.demo.FailbackSandbox;
import io.failback.messages.JobState;
import io.failback.schemas.Acls.Principal;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DESIGN section 4, "no record from any producer, however malformed or large, stops a service": seeded
 * generated inputs (valid, mutated, hostile), some on partitions of the client's choosing, written raw
 * onto the requests, control and both agent command topics. Afterwards every service still runs, every
 * unreadable input is on its service's dead-letter topic exactly once, every readable request and
 * control command is refused with a reason, every readable agent command is answered, and a real plan
 * submitted after the storm still fails back.
 */
@ExtendWith(SharedFaultStage.class)
@Order(5)
class FuzzIT {

    @Test
    void shouldDeadLetterOrRefuseEveryGeneratedInputOnceKeepEveryServiceUpAndStillFailAPlanBack(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        long seed = ChaosSettings.fuzzSeed();
        int inputs = ChaosSettings.fuzzInputs();
        FuzzSource source = new RecordFuzzerSource(seed);
        System.out.printf("fuzz: %d inputs from %s (repeat with -Dfuzz.inputs=%d -Dfuzz.seed=%d)%n", inputs, source.describe(), inputs, seed);

        long started = System.nanoTime();
        FuzzRun run = FuzzRun.send(sandbox.client(Principal.ADMIN), source, inputs, sandbox.estate());
        Duration sending = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Long> kinds = run.sent().stream().collect(Collectors.groupingBy(s -> s.input().kind(), TreeMap::new, Collectors.counting()));
        System.out.printf("fuzz: sent %d inputs in %.1f s (%d skipped for naming the estate's VMs, %d refused by the broker as too large): %s%n",
                run.sent().size(), sending.toMillis() / 1000.0, run.skipped(), run.refusedByBroker(), kinds);

        FuzzRun.Account account = run.awaitSettled(sandbox.client(Principal.ADMIN), stage.watch(), drainTimeout(inputs),
                () -> sandbox.endedService().isPresent());
        Duration drain = run.sinceSent();
        System.out.printf("fuzz: %s; drained %.1f s after the last input%n", account.summary(), drain.toMillis() / 1000.0);
        account.missing().stream().limit(20).forEach(m -> System.out.println("  UNACCOUNTED " + m));
        account.duplicated().stream().limit(20).forEach(m -> System.out.println("  DUPLICATED " + m));
        account.stray().stream().limit(20).forEach(m -> System.out.println("  OTHER DEAD LETTER " + m));
        assertThat(sandbox.endedService()).as("every service still runs").isEmpty();

        PlanRun plan = PlanRun.submit(sandbox, stage.watch(), FaultStage.AFTER_FUZZ_PLAN, "after-fuzz-" + seed + "-" + System.currentTimeMillis());
        JobState end = plan.finish(Duration.ofMinutes(4));
        PlanRun.Verdict verdict = plan.verify();
        System.out.println("fuzz: the plan after it " + verdict.summary() + " in " + plan.elapsed().toSeconds() + " s");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(account.missing()).as("inputs not accounted for").isEmpty();
        softly.assertThat(account.duplicated()).as("inputs dead-lettered more than once").isEmpty();
        softly.assertThat(account.stray()).as("dead letters of records no client wrote").isEmpty();
        softly.assertThat(stage.watch().unreadable()).as("status or audit records that can't be read").isEmpty();
        softly.assertThat(end).as("the plan after the fuzz").isEqualTo(JobState.COMPLETED);
        softly.assertThat(verdict.problems()).as("the plan after the fuzz").isEmpty();
        softly.assertThat(sandbox.endedService()).as("every service still runs").isEmpty();
        softly.assertAll();
    }

    /** Two minutes plus 30 ms an input: the vCenter agent answers a few commands a second per thread. */
    private static Duration drainTimeout(int inputs) {
        return Duration.ofMinutes(2).plusMillis(30L * inputs);
    }
}
