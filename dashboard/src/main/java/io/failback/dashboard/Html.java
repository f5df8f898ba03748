package io.failback.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for every value a page shows: text and attribute values are cut to a bound and HTML-escaped, with
 * control and bidirectional characters made visible, so no value read from Kafka can add markup, break a
 * table or flood a page.
 */
public final class Html {

    /** The most characters of one value a cell shows; the rest is counted, not shown. */
    public static final int MAX_CELL_CHARS = 300;

    private Html() {
    }

    /** {@code value} cut to {@link #MAX_CELL_CHARS} and escaped for an element's text or a quoted attribute. */
    public static String text(Object value) {
        return text(value, MAX_CELL_CHARS);
    }

    /** {@code value} cut to {@code maxChars} and escaped; an empty string for null. */
    public static String text(Object value, int maxChars) {
        return escape(cut(value, maxChars));
    }

    /** {@code value} as a string cut to {@code maxChars}, with how much was left out; an empty string for null. */
    public static String cut(Object value, int maxChars) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // never split a surrogate pair into a lone half
        }
        return s.substring(0, end) + "\u2026(+" + (s.length() - end) + " chars)";
    }

    /** HTML escape: markup characters as entities, control, separator and bidi characters as visible escapes. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '`' -> out.append("&#96;");
                default -> {
                    if (invisible(c)) {
                        out.append("\\u").append(String.format("%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A query parameter value, percent-encoded. */
    public static String query(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** A path segment (a job id), percent-encoded; then escaped for the attribute it goes in. */
    public static String path(String value) {
        return escape(URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static boolean invisible(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
    }
}
