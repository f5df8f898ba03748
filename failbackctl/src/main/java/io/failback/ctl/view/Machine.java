package io.failback.ctl.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes what the commands print for scripts: JSON (RFC 8259) and CSV (RFC 4180, a header row). Times are
 * ISO-8601 instants in UTC whatever the console's zone, so that two machines print the same bytes.
 */
public final class Machine {

    private Machine() {
    }

    /** {@code value} (maps, collections, strings, numbers, booleans, enums, instants, null) as one line of JSON. */
    public static String json(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else if (value instanceof Map<?, ?> map) {
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> e = entries.next();
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
                if (entries.hasNext()) {
                    b.append(',');
                }
            }
            b.append('}');
        } else if (value instanceof Collection<?> list) {
            b.append('[');
            Iterator<?> items = list.iterator();
            while (items.hasNext()) {
                write(b, items.next());
                if (items.hasNext()) {
                    b.append(',');
                }
            }
            b.append(']');
        } else {
            string(b, text(value));
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // control characters and the line separators JavaScript can't hold in a string literal
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /**
     * CSV lines: the header, then one line per row, each row's values taken by the header's names. A list
     * value is joined with "; ". A text cell that a spreadsheet would run as a formula (it starts with
     * {@code = + - @}, a tab or a carriage return and is not a number) gets a leading apostrophe: values come
     * from outside (requesters, agents), and auditors open these files in spreadsheets.
     */
    public static List<String> csv(List<String> header, List<? extends Map<String, ?>> rows) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", header.stream().map(Machine::csvCell).toList()));
        for (Map<String, ?> row : rows) {
            List<String> cells = new ArrayList<>();
            for (String column : header) {
                cells.add(csvCell(row.get(column)));
            }
            lines.add(String.join(",", cells));
        }
        return lines;
    }

    private static String csvCell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String s = value instanceof Collection<?> list ? String.join("; ", list.stream().map(Machine::text).toList()) : text(value);
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !s.matches("[-+]?\\d+(\\.\\d+)?")) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    private static String text(Object value) {
        if (value instanceof Instant at) {
            return at.toString();
        }
        return value instanceof Enum<?> e ? e.name() : String.valueOf(value);
    }
}
