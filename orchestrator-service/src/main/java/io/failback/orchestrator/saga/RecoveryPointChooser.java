package io.failback.orchestrator.saga;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.failback.messages.Consistency;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.RecoveryPointKind;

/**
 * Rule 9 and the choice of recovery point. LATEST: every VM its own latest point, even inside a
 * replication group. LATEST_APP_CONSISTENT: a lone VM its latest app-consistent point; the VMs of one
 * replication group the latest app-consistent point (same consistency id) that all of them have.
 * AFTER_SHUTDOWN: no choice now; the engine's final point after the shutdown is applied ({@link PointApplication}).
 */
public final class RecoveryPointChooser {

    /** Either a point or the reason there is none. */
    public record Choice(ChosenPoint point, Reason reason) {
    }

    private RecoveryPointChooser() {
    }

    /**
     * @param points           each VM's recovery points (missing or empty when it has none)
     * @param replicationGroup each VM's replication group, absent for VMs outside any group
     */
    public static Map<String, Choice> choose(RecoveryPointKind kind, List<String> vmIds, Map<String, List<RecoveryPoint>> points,
                                             Map<String, String> replicationGroup, long now) {
        Map<String, Choice> choices = new LinkedHashMap<>();
        if (kind == RecoveryPointKind.AFTER_SHUTDOWN) {
            // the engine takes the point after the Azure VM's shutdown: nothing to choose, nothing missing now
            vmIds.forEach(vm -> choices.put(vm, new Choice(null, null)));
            return choices;
        }
        if (kind == RecoveryPointKind.LATEST) {
            for (String vm : vmIds) {
                choices.put(vm, latest(points.getOrDefault(vm, List.of()), null)
                        .map(p -> new Choice(chosen(p, now), null))
                        .orElse(new Choice(null, new Reason(ReasonCode.NO_RECOVERY_POINT, vm + " has no recovery point yet"))));
            }
            return choices;
        }
        Map<String, List<String>> groups = vmIds.stream().filter(vm -> replicationGroup.get(vm) != null)
                .collect(Collectors.groupingBy(replicationGroup::get, LinkedHashMap::new, Collectors.toList()));
        for (String vm : vmIds) {
            String group = replicationGroup.get(vm);
            if (group == null || groups.get(group).size() == 1) {
                choices.put(vm, latest(points.getOrDefault(vm, List.of()), Consistency.APP_CONSISTENT)
                        .map(p -> new Choice(chosen(p, now), null))
                        .orElse(new Choice(null, new Reason(ReasonCode.NO_RECOVERY_POINT,
                                vm + " has no app-consistent recovery point yet"))));
            }
        }
        groups.forEach((group, members) -> {
            if (members.size() > 1) {
                choices.putAll(common(group, members, points, now));
            }
        });
        Map<String, Choice> ordered = new LinkedHashMap<>();
        vmIds.forEach(vm -> ordered.put(vm, choices.get(vm)));
        return ordered;
    }

    private static Map<String, Choice> common(String group, List<String> members, Map<String, List<RecoveryPoint>> points, long now) {
        // consistency id -> member -> that member's point with the id
        Map<String, Map<String, RecoveryPoint>> byId = new HashMap<>();
        for (String vm : members) {
            for (RecoveryPoint p : points.getOrDefault(vm, List.of())) {
                if (p.getConsistency() == Consistency.APP_CONSISTENT && p.getConsistencyId() != null) {
                    byId.computeIfAbsent(p.getConsistencyId(), id -> new HashMap<>()).put(vm, p);
                }
            }
        }
        Set<String> memberSet = Set.copyOf(members);
        Optional<Map<String, RecoveryPoint>> best = byId.values().stream()
                .filter(m -> m.keySet().containsAll(memberSet))
                .max(Comparator.comparingLong(m -> m.values().stream().mapToLong(p -> p.getTime().toEpochMilli()).min().orElse(0)));
        Map<String, Choice> out = new LinkedHashMap<>();
        for (String vm : members) {
            out.put(vm, best.map(m -> new Choice(chosen(m.get(vm), now), null))
                    .orElse(new Choice(null, new Reason(ReasonCode.NO_COMMON_APP_CONSISTENT_POINT, "replication group "
                            + group + " (" + members.size() + " VMs) has no app-consistent point that all its VMs share"))));
        }
        return out;
    }

    private static Optional<RecoveryPoint> latest(List<RecoveryPoint> points, Consistency required) {
        return points.stream().filter(p -> required == null || p.getConsistency() == required)
                .max(Comparator.comparing(RecoveryPoint::getTime));
    }

    private static ChosenPoint chosen(RecoveryPoint p, long now) {
        long time = p.getTime().toEpochMilli();
        return new ChosenPoint(p.getPointId(), time, p.getConsistency(), p.getConsistencyId(), Math.max(0, now - time));
    }
}
