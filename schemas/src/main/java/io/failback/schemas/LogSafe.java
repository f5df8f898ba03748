package io.failback.schemas;

/**
 * Makes a value that came from outside (a request id, a requester, a vCenter name) safe to put in a
 * log line or a status text: control characters, line and paragraph separators and bidirectional
 * overrides are escaped, so no input can forge a line or colour a terminal, and the value is cut to a
 * bound, so no input can flood a log.
 */
public final class LogSafe {

    /** Characters of a value kept in a log line; the rest is counted, not shown. */
    public static final int MAX_LOGGED_CHARS = 200;

    private LogSafe() {
    }

    /** {@code value} escaped and cut to {@link #MAX_LOGGED_CHARS}; "null" for null. */
    public static String of(Object value) {
        return of(value, MAX_LOGGED_CHARS);
    }

    /** {@code value} escaped and cut to {@code maxChars} characters of the input. */
    public static String of(Object value, int maxChars) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        int shown = Math.min(s.length(), maxChars);
        StringBuilder out = null;
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (needsEscape(c)) {
                if (out == null) {
                    out = new StringBuilder(shown + 16).append(s, 0, i);
                }
                escape(c, out);
            } else if (out != null) {
                out.append(c);
            }
        }
        String body = out == null ? s.substring(0, shown) : out.toString();
        return shown < s.length() ? body + "...(+" + (s.length() - shown) + " chars)" : body;
    }

    /** True when {@code value} has nothing {@link #of(Object, int)} would escape. */
    public static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (needsEscape(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\\'
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069'); // bidi embeddings and isolates
    }

    private static void escape(char c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case '\\' -> out.append("\\\\");
            default -> out.append(String.format("\\u%04x", (int) c));
        }
    }
}
