package io.failback.vcenter.vsphere;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.failback.messages.VcenterResultCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskLayoutTest {

    private static final DiskLayout.Controller BUS0 = new DiskLayout.Controller(1000, 0, 7);

    private static Set<Integer> units(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
    }

    @Test
    void shouldUseTheFreeUnitsOfTheExistingControllerSkippingItsOwnUnit() {
        DiskLayout.Plan plan = DiskLayout.plan(List.of(BUS0), Map.of(1000, units(0, 5)), 3, -100);

        assertThat(plan.newControllers()).isEmpty();
        assertThat(plan.slots()).containsExactly(new DiskLayout.Slot(1000, 6), new DiskLayout.Slot(1000, 8), new DiskLayout.Slot(1000, 9));
    }

    @Test
    void shouldAddAControllerOnTheFirstFreeBusWhenNoUnitIsFree() {
        Set<Integer> full = units(0, 15);
        full.remove(7);
        DiskLayout.Controller bus1 = new DiskLayout.Controller(1001, 1, 7);

        DiskLayout.Plan plan = DiskLayout.plan(List.of(bus1, BUS0), Map.of(1000, full, 1001, full), 2, -100);

        assertThat(plan.newControllers()).containsExactly(new DiskLayout.NewController(-100, 2));
        assertThat(plan.slots()).containsExactly(new DiskLayout.Slot(-100, 0), new DiskLayout.Slot(-100, 1));
    }

    @Test
    void shouldAddAControllerToAVmWithoutAny() {
        DiskLayout.Plan plan = DiskLayout.plan(List.of(), Map.of(), 1, -100);

        assertThat(plan.newControllers()).containsExactly(new DiskLayout.NewController(-100, 0));
        assertThat(plan.slots()).containsExactly(new DiskLayout.Slot(-100, 0));
    }

    @Test
    void shouldSpreadOverSeveralNewControllersWhenOneIsNotEnough() {
        DiskLayout.Plan plan = DiskLayout.plan(List.of(), Map.of(), 20, -100);

        assertThat(plan.newControllers()).extracting(DiskLayout.NewController::busNumber).containsExactly(0, 1);
        assertThat(plan.slots()).hasSize(20).doesNotContain(new DiskLayout.Slot(-100, 7), new DiskLayout.Slot(-101, 7));
    }

    @Test
    void shouldRefuseWithInvalidStateWhenAllFourBusesAreFull() {
        Set<Integer> full = units(0, 15);
        List<DiskLayout.Controller> four = IntStream.range(0, 4).mapToObj(b -> new DiskLayout.Controller(1000 + b, b, 7)).toList();
        Map<Integer, Set<Integer>> used = four.stream().collect(Collectors.toMap(DiskLayout.Controller::key, c -> full));

        assertThatThrownBy(() -> DiskLayout.plan(four, used, 1, -100))
                .isInstanceOfSatisfying(VcenterFailure.class, f -> assertThat(f.code()).isEqualTo(VcenterResultCode.INVALID_STATE))
                .hasMessageContaining("no free SCSI unit");
    }
}
