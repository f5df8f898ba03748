package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DESIGN section 4, "a restart of any service, or of the broker, loses no job and repeats no irreversible
 * step": plans fail back while the orchestrator, an agent or the broker is killed with SIGKILL at a
 * seeded random moment (preflight, the shutdown, the detach or attach of a boot group, the commit) and
 * started again 0 to 10 s later. Every VM must end fully failed back or fully rolled back, as the
 * simulator and the emulator show it, its status saying so; each irreversible step of each VM goes out
 * under one command id; nothing is dead-lettered.
 */
@ExtendWith(SharedFaultStage.class)
@Order(2)
class KillAnywhereIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void shouldEndEveryVmFullyFailedBackOrFullyRolledBackWhateverIsKilledWhenever(FaultStage stage) {
        long seed = ChaosSettings.chaosSeed();
        int runs = ChaosSettings.runs();
        List<KillAnywhere.Fault> faults = KillAnywhere.draw(seed, runs);
        System.out.printf("kill-anywhere: %d runs, seed %d (repeat with -Dchaos.runs=%d -Dchaos.seed=%d)%n", runs, seed, runs, seed);
        faults.forEach(f -> System.out.println("  " + f));

        List<KillAnywhere.Outcome> outcomes = new ArrayList<>();
        for (KillAnywhere.Fault fault : faults) {
            KillAnywhere.Outcome outcome = KillAnywhere.run(stage.sandbox(), stage.watch(), stage.tap(), fault,
                    FaultStage.chaosPlan(fault.run()), "chaos-" + seed + "-" + fault.run(), RUN_TIMEOUT);
            outcomes.add(outcome);
            System.out.println("kill-anywhere " + outcome);
            outcome.verdict().problems().forEach(p -> System.out.println("    PROBLEM " + p));
            assertThat(outcome.endedService()).as("a service that ended after %s", fault).isEmpty();
            assertThat(stage.sandbox().kafka().isAlive()).as("the broker after %s", fault).isTrue();
        }

        long kills = outcomes.stream().filter(KillAnywhere.Outcome::killed).count();
        long failedBack = outcomes.stream().mapToLong(o -> o.verdict().count(EndState.Outcome.FAILED_BACK)).sum();
        long rolledBack = outcomes.stream().mapToLong(o -> o.verdict().count(EndState.Outcome.ROLLED_BACK)).sum();
        System.out.printf("kill-anywhere summary: seed %d, %d runs, %d kills, VMs %d failed back, %d rolled back%n", seed, runs, kills,
                failedBack, rolledBack);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.verdict().problems()).as("%s", o).isEmpty());
        Set<Victim> killed = EnumSet.noneOf(Victim.class);
        outcomes.stream().filter(KillAnywhere.Outcome::killed).forEach(o -> killed.add(o.fault().victim()));
        if (runs >= Victim.values().length) {
            assertThat(killed).as("every service and the broker killed at least once").containsExactlyInAnyOrder(Victim.values());
        }
    }
}
