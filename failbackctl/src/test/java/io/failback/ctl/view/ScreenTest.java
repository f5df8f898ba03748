package io.failback.ctl.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class ScreenTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static WatchSession.Update update(List<String> lines, List<String> bars) {
        return new WatchSession.Update(lines, bars, false, null, List.of());
    }

    @Test
    void shouldPrintOnlyTheBarsThatChangedWhenNotOnATerminal() {
        // given
        Screen screen = Screen.of(out, false);

        // when
        screen.show(update(List.of("line 1"), List.of("group 1 a", "group 2 a")));
        screen.show(update(List.of(), List.of("group 1 a", "group 2 b")));
        screen.show(new WatchSession.Update(List.of(), List.of("group 1 a", "group 2 b"), true, null, List.of("summary")));

        // then
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(String.join(System.lineSeparator(),
                "line 1", "group 1 a", "group 2 a", "group 2 b", "", "summary", ""));
    }

    @Test
    void shouldRedrawTheBarsInPlaceOnATerminal() {
        // given
        Screen screen = Screen.of(out, true);

        // when
        screen.show(update(List.of("line 1"), List.of("group 1 a", "group 2 a")));
        screen.show(update(List.of("line 2"), List.of("group 1 b", "group 2 a")));

        // then
        String nl = System.lineSeparator();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "line 1" + nl + "group 1 a" + nl + "group 2 a" + nl
                + "\r\u001b[2A\u001b[J" + "line 2" + nl + "group 1 b" + nl + "group 2 a" + nl);
    }
}
