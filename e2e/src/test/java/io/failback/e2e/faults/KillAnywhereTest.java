package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The kill-anywhere faults: repeatable from their seed, every victim in each group of four runs, within their bounds. */
class KillAnywhereTest {

    @Test
    void shouldDrawTheSameFaultsFromTheSameSeedAndKillEveryVictimInEachFourRuns() {
        // given
        List<KillAnywhere.Fault> faults = KillAnywhere.draw(42, 12);

        // then
        assertThat(KillAnywhere.draw(42, 12)).isEqualTo(faults);
        assertThat(KillAnywhere.draw(43, 12)).isNotEqualTo(faults);
        for (int from = 0; from < 12; from += 4) {
            assertThat(faults.subList(from, from + 4)).extracting(KillAnywhere.Fault::victim).containsExactlyInAnyOrder(Victim.values());
        }
        assertThat(faults).allSatisfy(f -> {
            assertThat(f.jitter()).isBetween(Duration.ZERO, Duration.ofMillis(1500));
            assertThat(f.down()).isBetween(Duration.ZERO, Duration.ofSeconds(10));
        });
        assertThat(faults).extracting(KillAnywhere.Fault::run).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }
}
