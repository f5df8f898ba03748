package io.failback.ctl.view;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a watch is drawn. On a terminal the progress bars stay at the bottom and are redrawn in place
 * while state lines scroll above them; anywhere else (a pipe, a script, a test) every line is printed
 * once and a group's bar only when it changed.
 */
public abstract class Screen {

    protected final PrintStream out;

    protected Screen(PrintStream out) {
        this.out = out;
    }

    public static Screen of(PrintStream out, boolean terminal) {
        return terminal ? new Terminal(out) : new Plain(out);
    }

    public abstract void show(WatchSession.Update update);

    protected void summary(WatchSession.Update update) {
        if (update.finished()) {
            out.println();
            update.summary().forEach(out::println);
        }
        out.flush();
    }

    /** Plain lines only, for pipes and scripts. */
    static final class Plain extends Screen {

        private List<String> shownBars = List.of();

        Plain(PrintStream out) {
            super(out);
        }

        @Override
        public void show(WatchSession.Update update) {
            update.lines().forEach(out::println);
            List<String> bars = update.progress();
            for (int i = 0; i < bars.size(); i++) {
                if (i >= shownBars.size() || !shownBars.get(i).equals(bars.get(i))) {
                    out.println(bars.get(i));
                }
            }
            shownBars = new ArrayList<>(bars);
            summary(update);
        }
    }

    /** ANSI redraw of the progress block at the bottom of a terminal. */
    static final class Terminal extends Screen {

        private static final String ESC = "\u001b[";
        private List<String> barsOnScreen = List.of();

        Terminal(PrintStream out) {
            super(out);
        }

        @Override
        public void show(WatchSession.Update update) {
            if (update.lines().isEmpty() && !update.finished() && barsOnScreen.equals(update.progress())) {
                return;
            }
            if (!barsOnScreen.isEmpty()) {
                out.print("\r" + ESC + barsOnScreen.size() + "A" + ESC + "J");
            }
            update.lines().forEach(out::println);
            update.progress().forEach(out::println);
            barsOnScreen = new ArrayList<>(update.progress());
            summary(update);
        }
    }
}
