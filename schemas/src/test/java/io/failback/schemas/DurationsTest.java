package io.failback.schemas;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

import io.failback.schemas.Durations.InvalidDurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class DurationsTest {

    private static final int SAMPLES = 2_000;
    private static final long SEED = 20_261_130L;

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "30s, PT30S", "5m, PT5M", "1h, PT1H", "1m30s, PT1M30S", "90, PT1M30S", " 20S , PT20S",
            "PT30S, PT30S", "pt1.5s, PT1.5S", "P1DT2H, PT26H", "0s, PT0S"})
    void shouldReadEachWrittenForm(String text, String expected) {
        // given a duration as users write it, when parsed, then it is the duration they meant
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void shouldCountABareNumberInTheUnitTheOptionNames() {
        // given the numbers of options named --latency-ms and --retry-after-s
        // when parsed with their units, then a bare number keeps its old meaning and a suffix overrides it
        assertThat(Durations.parse("250", ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2", ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("2s", ChronoUnit.MILLIS)).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "forever", "-5s", "PT-5S", "5 s", "5sec", "1.5s", "s", "ms5", "1d", "5s ago",
            "999999999999999999h", "9223372036854775807", "PT9999999999999999999H", "P400D", "367d", "8785h", "PT", "P",
            "\u0665s", "5\ns", "5s\u0000", "+5s", "0x10s"})
    void shouldRefuseWhatIsNotABoundedDurationByName(String text) {
        // given text that is not a duration, or one too long or negative
        // when parsed, then it is refused by name, quoting the text
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidDurationException.class)
                .hasMessageStartingWith("expected a duration like 90s")
                .satisfies(e -> assertThat(((InvalidDurationException) e).text()).isEqualTo(text));
    }

    @Test
    void shouldRefuseNullAndOverlongTextWithoutReadingIt() {
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(InvalidDurationException.class);
        assertThatThrownBy(() -> Durations.parse("1".repeat(100_000) + "s")).isInstanceOf(InvalidDurationException.class)
                .hasMessageContaining("(+99801 chars)");
    }

    @Test
    void shouldReadBackEveryGeneratedDurationWrittenEitherWay() {
        // given durations drawn at random up to the bound
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < SAMPLES; i++) {
            long millis = random.nextLong(Durations.MAX.toMillis() + 1);
            Duration d = Duration.ofMillis(millis);
            // when written as ISO-8601 and as a sum of units, then both read back as the same duration
            assertThat(Durations.parse(d.toString())).as(d.toString()).isEqualTo(d);
            String units = d.toHours() + "h" + d.toMinutesPart() + "m" + d.toSecondsPart() + "s" + d.toMillisPart() + "ms";
            assertThat(Durations.parse(units)).as(units).isEqualTo(d);
        }
    }

    @Test
    void shouldRefuseOrBoundEveryGeneratedHostileString() {
        // given random strings built from the characters of durations, digits, signs, controls and other scripts
        String alphabet = "0123456789PTDHMSmshd.,+-eE \t\n\u0000\u202e\u0665\u00b5";
        SplittableRandom random = new SplittableRandom(SEED + 1);
        int refused = 0;
        for (int i = 0; i < SAMPLES; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(1, 40);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            // when parsed
            Throwable thrown = catchThrowable(() -> {
                Duration d = Durations.parse(text.toString());
                // then a duration read is within bounds
                assertThat(d).as(text.toString()).isBetween(Duration.ZERO, Durations.MAX);
            });
            // and anything else is refused by name, never with another exception
            if (thrown != null) {
                assertThat(thrown).as(text.toString()).isInstanceOf(InvalidDurationException.class);
                refused++;
            }
        }
        assertThat(refused).as("most random strings are not durations").isGreaterThan(SAMPLES / 2);
    }

    @Test
    void shouldRefuseEveryGeneratedOverflowByName() {
        // given numbers near and beyond what a Duration holds, in every unit
        SplittableRandom random = new SplittableRandom(SEED + 2);
        String[] units = {"ms", "s", "m", "h", ""};
        for (int i = 0; i < SAMPLES; i++) {
            long big = Math.abs(random.nextLong(Long.MAX_VALUE / 1000, Long.MAX_VALUE));
            String text = big + units[random.nextInt(units.length)];
            String iso = "PT" + big + "H" + big + "M";
            // when parsed, then refused by name
            assertThatThrownBy(() -> Durations.parse(text)).as(text).isInstanceOf(InvalidDurationException.class);
            assertThatThrownBy(() -> Durations.parse(iso)).as(iso).isInstanceOf(InvalidDurationException.class);
        }
    }
}
