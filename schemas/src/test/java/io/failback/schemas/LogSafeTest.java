package io.failback.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void shouldEscapeALineBreakSoNoInputForgesALogLine() {
        String forged = "alice\n2026-11-30 ERROR io.failback.orchestrator job deleted";

        assertThat(LogSafe.of(forged)).isEqualTo("alice\\n2026-11-30 ERROR io.failback.orchestrator job deleted")
                .doesNotContain("\n");
    }

    @Test
    void shouldEscapeTerminalEscapesControlCharactersAndBidiOverrides() {
        assertThat(LogSafe.of("\u001b[31mred\u0000\u0085\u2028\u202e")).isEqualTo("\\u001b[31mred\\u0000\\u0085\\u2028\\u202e");
        assertThat(LogSafe.of("a\\nb")).as("a literal backslash stays distinguishable from an escape").isEqualTo("a\\\\nb");
    }

    @Test
    void shouldCutALongValueAndSayHowMuchWasLeftOut() {
        String huge = "x".repeat(450_000);

        assertThat(LogSafe.of(huge)).hasSize(LogSafe.MAX_LOGGED_CHARS + "...(+449800 chars)".length())
                .endsWith("...(+449800 chars)");
    }

    @Test
    void shouldLeaveAPlainValueAsItIs() {
        assertThat(LogSafe.of("plan-7:web_01.a")).isEqualTo("plan-7:web_01.a");
        assertThat(LogSafe.isPlain("plan-7")).isTrue();
        assertThat(LogSafe.isPlain("plan\t7")).isFalse();
        assertThat(LogSafe.of(null)).isEqualTo("null");
    }
}
