package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class JobOrderTest {

    @Test
    void shouldRunEachSizesThreeJobsOnceARunAndPutEachFirstOnceOverThreeRuns() {
        List<Integer> firsts = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            int r = run;
            List<Integer> order = IntStream.range(0, 3).map(turn -> Bench.firstOfThree(r, turn)).boxed().toList();
            assertThat(order).containsExactlyInAnyOrder(0, 1, 2);
            firsts.add(order.get(0));
        }
        assertThat(firsts).containsExactly(0, 1, 2);
        assertThat(IntStream.range(0, 3).map(turn -> Bench.firstOfThree(4, turn)).boxed().toList()).containsExactly(0, 1, 2);
    }
}
