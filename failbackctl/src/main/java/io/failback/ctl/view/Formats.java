package io.failback.ctl.view;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.Reason;

/** How times, durations, recovery points and reasons read on the operator's screen. */
public final class Formats {

    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Formats() {
    }

    /** A duration the way an operator reads it: "0s", "45s", "12m 05s", "2h 03m", "3d 04h". */
    public static String duration(long millis) {
        if (millis < 0) {
            return "-" + duration(-millis);
        }
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm %02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format("%dd %02dh", s / 86400, (s % 86400) / 3600);
    }

    public static String duration(Duration d) {
        return duration(d.toMillis());
    }

    public static String timeOfDay(Instant at, ZoneId zone) {
        return at == null ? "--:--:--" : TIME_OF_DAY.format(at.atZone(zone));
    }

    public static String dateTime(Instant at, ZoneId zone) {
        return at == null ? "-" : DATE_TIME.format(at.truncatedTo(ChronoUnit.SECONDS).atZone(zone));
    }

    /** "rp-42 app-consistent 2024-05-01 10:00:00", with "group cg-1" for a replication group's shared point. */
    public static String recoveryPoint(ChosenRecoveryPoint p, ZoneId zone) {
        if (p == null) {
            return "-";
        }
        String consistency = p.getConsistency().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String text = p.getPointId() + " " + consistency + " " + dateTime(p.getTime(), zone);
        return p.getConsistencyId() == null ? text : text + " group " + p.getConsistencyId();
    }

    public static String dataLoss(ChosenRecoveryPoint p) {
        return p == null ? "-" : duration(p.getDataLossWindowMillis());
    }

    /** "CODE: message; CODE: message", or "-" when there are none. */
    public static String reasons(List<Reason> reasons) {
        if (reasons == null || reasons.isEmpty()) {
            return "-";
        }
        return reasons.stream().map(Formats::reason).collect(Collectors.joining("; "));
    }

    public static String reason(Reason r) {
        return r.getMessage() == null || r.getMessage().isBlank() ? r.getCode().name() : r.getCode() + ": " + r.getMessage();
    }
}
