package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupTest {

    @Test
    void shouldWarmUpWithAJobOfTheLargestSizeMeasuredAndNeverLessThan3000Vms() {
        assertThat(Bench.Options.parse(new String[0]).warmup()).isEqualTo(3_000);
        assertThat(Bench.Options.parse(new String[] {"--large"}).warmup()).isEqualTo(10_000);
        assertThat(Bench.Options.parse(new String[] {"--sizes", "300,20000,1000"}).warmup()).isEqualTo(20_000);
        assertThat(Bench.Options.parse(new String[] {"--sizes", "30"}).warmup()).isEqualTo(3_000);
    }

    @Test
    void shouldTakeTheWarmUpSizeGivenWhateverTheSizes() {
        assertThat(Bench.Options.parse(new String[] {"--large", "--warmup", "500"}).warmup()).isEqualTo(500);
        assertThat(Bench.Options.parse(new String[] {"--warmup", "30", "--sizes", "30"}).warmup()).isEqualTo(30);
    }
}
