package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MakespanTest {

    @Test
    void shouldBoundByTheLongestChainThroughTheBootGroupGatesWhenAgentsHaveRoom() {
        // given two groups of one VM each: group 2 powers on only once group 1 is on
        Makespan.VmWork first = new Makespan.VmWork(1, Map.of("CHECK_AZURE_VM", 100L, "CHECK_VCENTER", 300L,
                "SHUT_DOWN_AZURE_VM", 1_000L, "ATTACH_TO_ON_PREMISES_VM", 500L, "POWER_ON_ON_PREMISES_VM", 2_000L, "DELETE_AZURE_VM", 700L));
        Makespan.VmWork second = new Makespan.VmWork(2, Map.of("CHECK_AZURE_VM", 100L, "CHECK_VCENTER", 200L,
                "SHUT_DOWN_AZURE_VM", 400L, "POWER_ON_ON_PREMISES_VM", 1_000L, "DELETE_AZURE_VM", 900L));

        // when
        long bound = Makespan.lowerBound(List.of(first, second), 50, 20);

        // then preflight 300, failback 1,500 + 2,000 then 1,000 behind the gate, commit 900
        assertThat(bound).isEqualTo(300 + 4_500 + 900);
    }

    @Test
    void shouldBoundByAnAgentsWorkOverItsLimitWhenThatIsLonger() {
        // given ten VMs whose one-second shutdowns share an Azure agent that runs two at a time
        List<Makespan.VmWork> vms = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new Makespan.VmWork(1, Map.of("SHUT_DOWN_AZURE_VM", 1_000L))).toList();

        // when
        long bound = Makespan.lowerBound(vms, 2, 20);

        // then
        assertThat(bound).isEqualTo(5_000);
    }

    @Test
    void shouldDrawTheSameDelaysForTheSameSeed() {
        // given two runs with one seed
        Makespan one = new Makespan(100, 7, 50, 20);
        Makespan two = new Makespan(100, 7, 50, 20);

        // when each draws a shutdown for the same VM
        long a = one.draw("azure", "vm-1", "SHUT_DOWN_AZURE_VM");
        long b = two.draw("azure", "vm-1", "SHUT_DOWN_AZURE_VM");

        // then both drew the same, within the step's range scaled down 100 times
        assertThat(a).isEqualTo(b).isBetween(300L, 900L);
    }
}
