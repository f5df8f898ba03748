package io.failback.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The makespan run's agent latencies, and the lower bound no schedule can beat. Each step's delay is drawn
 * uniformly from a range of real seconds (an Azure shutdown 30-90 s, an attach 2-10 s, ...) and divided by a
 * scale factor; each agent runs at most its limit of commands at once. The bound sums three phases the job
 * passes one after the other (preflight, failback through the boot-group gates, commit): each phase takes at
 * least its longest chain and at least each agent's work divided by its limit.
 */
final class Makespan implements Agents.Delays {

    /** Each step's agent and its delay range in real seconds; the replication engine answers at once. */
    record StepDelay(String agent, double minSeconds, double maxSeconds) {
    }

    static final Map<String, StepDelay> DELAYS = new LinkedHashMap<>();

    static {
        DELAYS.put("CHECK_AZURE_VM", new StepDelay("azure", 1, 3));
        DELAYS.put("CHECK_VCENTER", new StepDelay("vcenter", 2, 5));
        DELAYS.put("SHUT_DOWN_AZURE_VM", new StepDelay("azure", 30, 90));
        DELAYS.put("POWER_OFF_ON_PREMISES_VM", new StepDelay("vcenter", 2, 6));
        DELAYS.put("DETACH_FROM_MASTER_TARGET", new StepDelay("vcenter", 2, 10));
        DELAYS.put("ATTACH_TO_ON_PREMISES_VM", new StepDelay("vcenter", 2, 10));
        DELAYS.put("ENABLE_VMWARE_TOOLS", new StepDelay("vcenter", 5, 15));
        DELAYS.put("POWER_ON_ON_PREMISES_VM", new StepDelay("vcenter", 10, 30));
        DELAYS.put("DELETE_AZURE_VM", new StepDelay("azure", 20, 60));
    }

    static final List<String> PREFLIGHT = List.of("CHECK_AZURE_VM", "CHECK_VCENTER");
    static final List<String> BEFORE_GATE = List.of("SHUT_DOWN_AZURE_VM", "POWER_OFF_ON_PREMISES_VM", "DETACH_FROM_MASTER_TARGET",
            "ATTACH_TO_ON_PREMISES_VM", "ENABLE_VMWARE_TOOLS");
    static final String GATED = "POWER_ON_ON_PREMISES_VM";
    static final List<String> COMMIT = List.of("DELETE_AZURE_VM");

    private final double scale;
    private final long seed;
    private final Map<String, Integer> limits;
    /** What was drawn, per VM and step (first draw only: a re-sent command takes what the first took). */
    private final Map<String, Map<String, Long>> drawn = new ConcurrentHashMap<>();

    Makespan(double scale, long seed, int azureLimit, int vcenterLimit) {
        this.scale = scale;
        this.seed = seed;
        this.limits = Map.of("azure", azureLimit, "vcenter", vcenterLimit);
    }

    @Override
    public long draw(String agent, String vmId, String step) {
        StepDelay d = DELAYS.get(step);
        if (d == null) {
            return 0;
        }
        return drawn.computeIfAbsent(vmId, v -> new ConcurrentHashMap<>()).computeIfAbsent(step, s -> {
            SplittableRandom r = new SplittableRandom(seed ^ ((long) vmId.hashCode() << 20) ^ s.hashCode());
            double seconds = d.minSeconds() + r.nextDouble() * (d.maxSeconds() - d.minSeconds());
            return Math.round(seconds * 1000 / scale);
        });
    }

    @Override
    public int limit(String agent) {
        return limits.get(agent);
    }

    Map<String, Map<String, Long>> drawn() {
        return drawn;
    }

    /** One VM's boot group and the ms drawn for each of its steps. */
    record VmWork(int group, Map<String, Long> steps) {
        long of(String step) {
            return steps.getOrDefault(step, 0L);
        }
    }

    /** The makespan no schedule under these limits and the job's phases and gates can beat, in ms. */
    static long lowerBound(Collection<VmWork> vms, int azureLimit, int vcenterLimit) {
        long[] phases = phases(vms, azureLimit, vcenterLimit);
        return phases[0] + phases[1] + phases[2];
    }

    /** The bound of each phase: preflight, failback (through the gates), commit; in ms. */
    static long[] phases(Collection<VmWork> vms, int azureLimit, int vcenterLimit) {
        long preflight = phase(vms, PREFLIGHT, azureLimit, vcenterLimit,
                vms.stream().mapToLong(v -> PREFLIGHT.stream().mapToLong(v::of).max().orElse(0)).max().orElse(0));
        int groups = vms.stream().mapToInt(VmWork::group).max().orElse(0);
        long gateOpen = 0;
        for (int g = 1; g <= groups; g++) {
            long opensAt = gateOpen;
            int group = g;
            gateOpen = vms.stream().filter(v -> v.group() == group)
                    .mapToLong(v -> Math.max(opensAt, BEFORE_GATE.stream().mapToLong(v::of).sum()) + v.of(GATED)).max().orElse(gateOpen);
        }
        List<String> failback = new java.util.ArrayList<>(BEFORE_GATE);
        failback.add(GATED);
        long failingBack = phase(vms, failback, azureLimit, vcenterLimit, gateOpen);
        long commit = phase(vms, COMMIT, azureLimit, vcenterLimit,
                vms.stream().mapToLong(v -> COMMIT.stream().mapToLong(v::of).sum()).max().orElse(0));
        return new long[] {preflight, failingBack, commit};
    }

    private static long phase(Collection<VmWork> vms, List<String> steps, int azureLimit, int vcenterLimit, long chain) {
        long azure = 0;
        long vcenter = 0;
        for (VmWork v : vms) {
            for (String s : steps) {
                if (DELAYS.get(s).agent().equals("azure")) {
                    azure += v.of(s);
                } else {
                    vcenter += v.of(s);
                }
            }
        }
        return Math.max(chain, Math.max(ceilDiv(azure, azureLimit), ceilDiv(vcenter, vcenterLimit)));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
