package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void shouldMeasureEachSizeGivenOnceInTheOrderGiven() {
        assertThat(Bench.Options.parse(new String[0]).sizes()).containsExactly(300, 1_000, 3_000);
        assertThat(Bench.Options.parse(new String[] {"--large"}).sizes()).containsExactly(300, 1_000, 3_000, 10_000);
        assertThat(Bench.Options.parse(new String[] {"--sizes", "3000,30"}).sizes()).containsExactly(3_000, 30);
    }

    @Test
    void shouldRefuseASizeGivenTwiceForItWouldBeOnePlanOfTwiceItsVms() {
        assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--sizes", "10000,10000"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("each plan size once");
        assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--sizes", "300,10000", "--large"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[300, 10000, 10000]");
        assertThatThrownBy(() -> Bench.Options.parse(new String[] {"--sizes", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
