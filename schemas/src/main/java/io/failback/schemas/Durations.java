package io.failback.schemas;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of durations given on a command line: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, sums of
 * them such as {@code 1m30s}, ISO-8601 such as {@code PT30S}, or a bare number in the unit the caller names.
 * A duration is never negative nor longer than {@link #MAX}; anything else is an {@link InvalidDurationException}.
 */
public final class Durations {

    /** The longest duration accepted: longer than any wait or delay a failback takes, far below any overflow. */
    public static final Duration MAX = Duration.ofDays(366);
    /** Longer text is refused before it is looked at. */
    static final int MAX_CHARS = 64;

    private static final Pattern BARE = Pattern.compile("\\d{1,18}");
    private static final Pattern SUFFIXED = Pattern.compile("(?:\\d{1,18}(?:ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,18})(ms|s|m|h)");

    private Durations() {
    }

    /** A duration, where a bare number counts seconds. */
    public static Duration parse(String text) {
        return parse(text, ChronoUnit.SECONDS);
    }

    /** A duration, where a bare number counts {@code bareUnit} (so that {@code --latency-ms 250} keeps meaning 250 ms). */
    public static Duration parse(String text, ChronoUnit bareUnit) {
        if (text == null || text.isBlank() || text.length() > MAX_CHARS) {
            throw new InvalidDurationException(text);
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (BARE.matcher(t).matches()) {
                d = Duration.of(Long.parseLong(t), bareUnit);
            } else if (SUFFIXED.matcher(t).matches()) {
                d = Duration.ZERO;
                for (Matcher m = PART.matcher(t); m.find(); ) {
                    d = d.plus(Duration.of(Long.parseLong(m.group(1)), unit(m.group(2))));
                }
            } else if (t.startsWith("p")) {
                d = Duration.parse(t);
            } else {
                throw new InvalidDurationException(text);
            }
        } catch (ArithmeticException | DateTimeParseException e) {
            throw new InvalidDurationException(text);
        }
        if (d.isNegative() || d.compareTo(MAX) > 0) {
            throw new InvalidDurationException(text);
        }
        return d;
    }

    private static ChronoUnit unit(String suffix) {
        return switch (suffix) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            default -> ChronoUnit.HOURS;
        };
    }

    /** Text that is not a duration this parser accepts; the message says what is, and quotes the text made safe to print. */
    public static final class InvalidDurationException extends IllegalArgumentException {

        private final String text;

        InvalidDurationException(String text) {
            super("expected a duration like 90s, 5m, 1h, 500ms or PT30S, at most " + MAX.toDays() + " days (got '"
                    + LogSafe.of(text) + "')");
            this.text = text;
        }

        /** The text as given. */
        public String text() {
            return text;
        }
    }
}
