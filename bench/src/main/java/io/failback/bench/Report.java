package io.failback.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results: a Markdown table ({@code bench.md}) and the same figures as JSON ({@code bench.json}),
 * with the machine they came from; also where the baseline's traffic per event is taken from.
 */
final class Report {

    private final Bench.Options options;
    private final List<Bench.Runner.Row> rows = new ArrayList<>();
    private final String started = Instant.now().toString();
    private final String machine = machine();
    private Bench.Runner.Row makespan;
    private long lowerBoundMs;
    private int[] traffic;
    private Map<String, Long> topicBytes = Map.of();
    private final List<Bench.Runner.Row> scaleOut = new ArrayList<>();

    Report(Bench.Options options) {
        this.options = options;
    }

    synchronized void add(Bench.Runner.Row row) {
        rows.add(row);
    }

    synchronized void makespan(Bench.Runner.Row row, long lowerBoundMs) {
        this.makespan = row;
        this.lowerBoundMs = lowerBoundMs;
        System.out.printf("bench: makespan %.1f s, lower bound %.1f s: %.2fx%n", row.seconds(), lowerBoundMs / 1000.0, row.seconds() * 1000 / lowerBoundMs);
    }

    /** Several plans at once on one orchestrator instance, then on several: one row each. */
    synchronized void scaleOut(Bench.Runner.Row row) {
        scaleOut.add(row);
    }

    /** The orchestrator's bytes on the broker after its runs, per kind of topic. */
    synchronized void topicBytes(Map<String, Long> bytes) {
        this.topicBytes = bytes;
    }

    /** Steps per VM, statuses and audits per command, as the orchestrator wrote them in its largest job. */
    /** The baseline's traffic per event, as the orchestrator's job {@code from} had it (its warm-up: the same plan shape). */
    synchronized int[] trafficPerEvent(Bench.Runner.Row largest) {
        traffic = new int[] {(int) Math.round((double) largest.commands() / largest.vms()),
                (int) Math.round((double) largest.statuses() / largest.commands()),
                (int) Math.round((double) largest.audits() / largest.commands())};
        System.out.printf("bench: baseline traffic: %d steps per VM, %d status and %d audit records per command%n", traffic[0], traffic[1], traffic[2]);
        return traffic;
    }

    synchronized void write() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark: orchestrator vs a Kafka Streams exactly_once_v2 baseline\n\n");
        md.append("Started ").append(started).append(" on ").append(machine).append(".\n");
        md.append("Orchestrator JVM flags (the Dockerfile's): ").append(String.join(" ", JvmProcess.serviceFlags()))
                .append("; baseline JVM flags: ").append(String.join(" ", JvmProcess.baselineFlags()))
                .append("; one standalone broker; instant agents; ");
        if (traffic != null) {
            md.append(String.format("baseline traffic: %d steps per VM, %d status and %d audit records per command", traffic[0], traffic[1], traffic[2]));
        }
        md.append(".\n\nStep latency is command issued to the next command for the same VM; \"without gate waits\" leaves out the "
                + "steps that wait for other VMs (" + String.join(", ", Agents.CommandLog.AFTER_A_GATE) + "), which the baseline does not have.\n");
        md.append("\n| system | VMs | end | s | commands | commands/s | VMs/s | step p50 / p99 ms | without gate waits p50 / p99 ms "
                + "| CPU ms/command (without the JIT compiler) | peak heap MiB | peak RSS MiB | load |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<Bench.Runner.Row> table = new ArrayList<>(rows);
        table.addAll(scaleOut);
        for (Bench.Runner.Row r : table) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %d%s | %.0f | %.0f | %d / %d | %d / %d | %.3f (%.3f) | %d | %d | %s |%n", r.system(), r.vms(),
                    r.state(), r.seconds(), r.commands(), r.commands() == r.distinctCommands() ? "" : " (" + r.distinctCommands() + " distinct)",
                    r.commandsPerSecond(), r.vmsPerSecond(), r.p50Ms(), r.p99Ms(), r.ownP50Ms(), r.ownP99Ms(), r.cpuMsPerCommand(), r.cpuMsPerCommandWithoutJit(),
                    r.peakHeapMb(), r.peakRssMb(), r.load()));
        }
        md.append("\n| VMs | commands/s ratio (orchestrator/baseline) | step p99 ratio | without gate waits | before: commands/s ratio "
                + "| before: p99 ratio without gate waits |\n|---|---|---|---|---|---|\n");
        for (int n : options.sizes()) {
            if (!find("orchestrator", n).isEmpty() && !find("baseline", n).isEmpty()) {
                double baseline = median("baseline", n, Bench.Runner.Row::commandsPerSecond);
                boolean before = !find("before", n).isEmpty();
                md.append(String.format(Locale.ROOT, "| %d | %.2fx | %.2fx | %.2fx | %s | %s |%n", n,
                        ratio(median("orchestrator", n, Bench.Runner.Row::commandsPerSecond), baseline),
                        ratio(median("orchestrator", n, r -> r.p99Ms()), median("baseline", n, r -> r.p99Ms())),
                        ratio(median("orchestrator", n, r -> r.ownP99Ms()), median("baseline", n, r -> r.ownP99Ms())),
                        before ? String.format(Locale.ROOT, "%.2fx", ratio(median("before", n, Bench.Runner.Row::commandsPerSecond), baseline)) : "-",
                        before ? String.format(Locale.ROOT, "%.2fx", ratio(median("before", n, r -> r.ownP99Ms()),
                                median("baseline", n, r -> r.ownP99Ms()))) : "-"));
            }
        }
        String gated = Bench.Runner.GATED_BASELINE;
        if (options.sizes().stream().anyMatch(n -> !find("orchestrator", n).isEmpty() && !find(gated, n).isEmpty())) {
            md.append("\nAgainst the baseline with the same gates (its VMs wait as the orchestrator's do: each sends its first two steps "
                    + "at once, the preflight's two checks, and all of them are through both before any takes the third; the power-on step by boot group, the last step once all are powered on):\n");
            md.append("\n| VMs | commands/s: orchestrator / gated baseline | ratio | step p99 ms, gate waits included: orchestrator / "
                    + "gated baseline | ratio |\n|---|---|---|---|---|\n");
            for (int n : options.sizes()) {
                if (!find("orchestrator", n).isEmpty() && !find(gated, n).isEmpty()) {
                    double mine = median("orchestrator", n, Bench.Runner.Row::commandsPerSecond);
                    double theirs = median(gated, n, Bench.Runner.Row::commandsPerSecond);
                    double myP99 = median("orchestrator", n, r -> r.p99Ms());
                    double theirP99 = median(gated, n, r -> r.p99Ms());
                    md.append(String.format(Locale.ROOT, "| %d | %.0f / %.0f | %.2fx | %.0f / %.0f | %.2fx |%n", n, mine, theirs,
                            ratio(mine, theirs), myP99, theirP99, ratio(myP99, theirP99)));
                }
            }
        }
        if (options.runs() > 1) {
            md.append(String.format(Locale.ROOT, "%nEach ratio is of the medians over %d runs, each on a fresh broker with fresh processes "
                    + "(the rows above, in the order they ran).%n", options.runs()));
        }
        if (scaleOut.size() == 2) {
            Bench.Runner.Row one = scaleOut.get(0);
            Bench.Runner.Row several = scaleOut.get(1);
            md.append(String.format(Locale.ROOT, "%nScale-out: %d plans at once (%d VMs), on one orchestrator instance %.1f s (%.0f commands/s), "
                            + "on %s instances %.1f s (%.0f commands/s): %.2fx.%n", options.plans(), one.vms(), one.seconds(), one.commandsPerSecond(),
                    several.system().substring(1), several.seconds(), several.commandsPerSecond(), one.seconds() / several.seconds()));
        }
        if (!topicBytes.isEmpty()) {
            md.append("\nOn the broker after the orchestrator's runs: ");
            topicBytes.forEach((kind, b) -> md.append(String.format(Locale.ROOT, "%s %.1f MiB; ", kind, b / 1048576.0)));
            md.append("\n");
        }
        if (makespan != null) {
            md.append(String.format(Locale.ROOT, "%nMakespan of a %d-VM plan with agent latencies drawn per step (scale 1/%.0f, seed %d, Azure limit %d, "
                            + "vCenter limit %d): %.1f s against a lower bound of %.1f s, %.2fx.%n", makespan.vms(), options.scale(), options.seed(),
                    options.azureLimit(), options.vcenterLimit(), makespan.seconds(), lowerBoundMs / 1000.0, makespan.seconds() * 1000 / lowerBoundMs));
            md.append("\n| step | agent | real seconds |\n|---|---|---|\n");
            Makespan.DELAYS.forEach((step, d) -> md.append(String.format(Locale.ROOT, "| %s | %s | %.0f-%.0f |%n", step, d.agent(), d.minSeconds(), d.maxSeconds())));
        }
        Files.writeString(options.out().resolve("bench.md"), md.toString());
        Files.writeString(options.out().resolve("bench.json"), json());
        System.out.println(md);
    }

    private String json() {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"started\": \"").append(started).append("\",\n  \"machine\": \"").append(machine.replace("\"", "'")).append("\",\n");
        j.append("  \"jvmFlags\": \"").append(String.join(" ", JvmProcess.serviceFlags())).append("\",\n");
        j.append("  \"baselineJvmFlags\": \"").append(String.join(" ", JvmProcess.baselineFlags())).append("\",\n  \"runs\": [\n");
        List<Bench.Runner.Row> runs = new ArrayList<>(rows);
        runs.addAll(scaleOut);
        for (int i = 0; i < runs.size(); i++) {
            j.append("    ").append(json(runs.get(i))).append(i + 1 < runs.size() ? ",\n" : "\n");
        }
        j.append("  ]");
        if (traffic != null) {
            j.append(String.format(",%n  \"baselineTraffic\": {\"stepsPerVm\": %d, \"statusesPerCommand\": %d, \"auditsPerCommand\": %d}", traffic[0], traffic[1], traffic[2]));
        }
        if (!topicBytes.isEmpty()) {
            j.append(",\n  \"topicBytes\": {");
            j.append(String.join(", ", topicBytes.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue()).toList()));
            j.append("}");
        }
        if (makespan != null) {
            j.append(String.format(Locale.ROOT, ",%n  \"makespan\": {\"run\": %s, \"lowerBoundSeconds\": %.3f, \"scale\": %.1f, \"seed\": %d, \"azureLimit\": %d, \"vcenterLimit\": %d}",
                    json(makespan), lowerBoundMs / 1000.0, options.scale(), options.seed(), options.azureLimit(), options.vcenterLimit()));
        }
        return j.append("\n}\n").toString();
    }

    private static String json(Bench.Runner.Row r) {
        return String.format(Locale.ROOT, "{\"system\": \"%s\", \"vms\": %d, \"end\": \"%s\", \"seconds\": %.3f, \"commands\": %d, \"distinctCommands\": %d, "
                        + "\"statuses\": %d, \"audits\": %d, \"commandsPerSecond\": %.1f, \"vmsPerSecond\": %.1f, \"stepP50Ms\": %d, \"stepP99Ms\": %d, "
                        + "\"stepP50WithoutGateWaitsMs\": %d, \"stepP99WithoutGateWaitsMs\": %d, "
                        + "\"cpuMsPerCommand\": %.4f, \"cpuMsPerCommandWithoutJit\": %.4f, \"peakHeapMiB\": %d, \"peakRssMiB\": %d, \"load\": \"%s\"}", r.system(), r.vms(), r.state(), r.seconds(), r.commands(),
                r.distinctCommands(), r.statuses(), r.audits(), r.commandsPerSecond(), r.vmsPerSecond(), r.p50Ms(), r.p99Ms(), r.ownP50Ms(),
                r.ownP99Ms(), r.cpuMsPerCommand(), r.cpuMsPerCommandWithoutJit(), r.peakHeapMb(), r.peakRssMb(), r.load());
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0.0 : (double) a / b;
    }

    private List<Bench.Runner.Row> find(String system, int vms) {
        return rows.stream().filter(r -> r.system().equals(system) && r.vms() == vms).toList();
    }

    /** The median of {@code metric} over the runs of {@code system} at {@code vms} (of an even count, the mean of the middle two). */
    private double median(String system, int vms, java.util.function.ToDoubleFunction<Bench.Runner.Row> metric) {
        double[] v = find(system, vms).stream().mapToDouble(metric).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | UncheckedIOException e) {
            // not Linux: the CPU stays unnamed
        }
        return String.format(Locale.ROOT, "%d cores (%s), %d MiB RAM, load average %s, Java %s", Runtime.getRuntime().availableProcessors(), cpu,
                totalMemoryMb(), loadAverage(), System.getProperty("java.version"));
    }

    private static long totalMemoryMb() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
