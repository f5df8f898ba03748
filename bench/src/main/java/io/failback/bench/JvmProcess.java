package io.failback.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A measured JVM run as its own process (the orchestrator's jar, the baseline): its output to a log file,
 * its CPU time read from /proc, its resident set sampled from /proc and its heap in use from {@code jstat},
 * with the peaks of each since the last {@link #resetPeaks()}.
 */
final class JvmProcess implements AutoCloseable {

    /**
     * The orchestrator's: the JVM flags the Dockerfile runs the services with (read from its ENTRYPOINT, so the two
     * can't drift apart), with the heap the target allows.
     */
    static List<String> serviceFlags() {
        return Flags.SERVICE;
    }

    /** The baseline's: a minimal Kafka Streams application on a default JVM, with the same heap. */
    static List<String> baselineFlags() {
        return Flags.BASELINE;
    }

    /** Read once, when first asked for (from the repository's root, where scripts/bench.sh runs). */
    private static final class Flags {
        static final List<String> SERVICE = flags(dockerfileFlags(Path.of("Dockerfile")));
        static final List<String> BASELINE = flags(List.of("-XX:MaxRAMPercentage=75"));
    }

    /** {@code flags} with the heap bound, and for a trial of others on both systems, {@code -Dbench.jvmFlags="-XX:..."}. */
    private static List<String> flags(List<String> base) {
        List<String> flags = new ArrayList<>(base);
        flags.add("-Xmx512m");
        String more = System.getProperty("bench.jvmFlags", "").strip();
        if (!more.isEmpty()) {
            flags.addAll(List.of(more.split("\\s+")));
        }
        return List.copyOf(flags);
    }

    /** The flags between {@code "java"} and {@code "-jar"} in the Dockerfile's exec-form ENTRYPOINT. */
    static List<String> dockerfileFlags(Path dockerfile) {
        try {
            String entry = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("ENTRYPOINT [")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no exec-form ENTRYPOINT in " + dockerfile));
            List<String> words = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(entry);
            while (m.find()) {
                words.add(m.group(1));
            }
            int java = words.indexOf("java");
            int jar = words.indexOf("-jar");
            if (java < 0 || jar < java) {
                throw new IllegalStateException("the ENTRYPOINT of " + dockerfile + " does not run java ... -jar: " + entry);
            }
            return List.copyOf(words.subList(java + 1, jar));
        } catch (IOException e) {
            throw new UncheckedIOException("the bench runs from the repository's root, to read its Dockerfile's JVM flags", e);
        }
    }

    private static final long TICKS_PER_SECOND = 100;

    private final String name;
    private final Process process;
    private final Path log;
    private final Process jstat;
    private final Thread sampler;
    private volatile long peakRssKb;
    private volatile long peakHeapKb;

    private JvmProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.log = log;
        this.jstat = new ProcessBuilder("jstat", "-gc", Long.toString(process.pid()), "250").redirectErrorStream(true).start();
        this.sampler = new Thread(this::sample, "probe-" + name);
        sampler.setDaemon(true);
        sampler.start();
        Thread heap = new Thread(this::readJstat, "jstat-" + name);
        heap.setDaemon(true);
        heap.start();
    }

    static JvmProcess start(String name, List<String> flags, List<String> args, Map<String, String> env, Path logDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().putAll(env);
            return new JvmProcess(name, b.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Waits for {@code line} in the log; fails with the log's tail when the process ends first or time runs out. */
    JvmProcess awaitLog(String line, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (logText().contains(line)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not log '" + line + "' within " + timeout + ":\n" + tail());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail() {
        String[] lines = logText().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    /** User and system CPU time of the process so far, in ms. */
    long cpuMs() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU time of the JIT compiler threads so far, in ms: a short run of a large JVM spends much of its CPU compiling,
     * which a long-running service pays once.
     */
    long jitCpuMs() {
        return threadCpuMs().entrySet().stream().filter(e -> e.getKey().matches("C[12] CompilerThre.*"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * CPU ms of each live thread so far, by its name as Linux keeps it (15 characters: "kafka-producer-", "C2 CompilerThre"),
     * threads of the same name summed.
     */
    Map<String, Long> threadCpuMs() {
        return threadCpuMs(process.pid());
    }

    static Map<String, Long> threadCpuMs(long pid) {
        Map<String, Long> ms = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : threads.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ms.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND, Long::sum);
                } catch (IOException e) {
                    // the thread ended between the listing and the read: its time is no longer counted anywhere
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ms;
    }

    void resetPeaks() {
        peakRssKb = 0;
        peakHeapKb = 0;
    }

    long peakRssMb() {
        return peakRssKb / 1024;
    }

    long peakHeapMb() {
        return peakHeapKb / 1024;
    }

    private void sample() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        while (process.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        peakRssKb = Math.max(peakRssKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
                Thread.sleep(100);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    /** jstat -gc columns S0U S1U EU OU (KB, used) summed: the heap in use. */
    private void readJstat() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String[] header = null;
            for (String line; (line = r.readLine()) != null; ) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 0 && cols[0].equals("S0C")) {
                    header = cols;
                    continue;
                }
                if (header == null || cols.length != header.length) {
                    continue;
                }
                double used = 0;
                for (int i = 0; i < header.length; i++) {
                    if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
                        used += Double.parseDouble(cols[i]);
                    }
                }
                peakHeapKb = Math.max(peakHeapKb, (long) used);
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended
        }
    }

    @Override
    public void close() {
        jstat.destroy();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
