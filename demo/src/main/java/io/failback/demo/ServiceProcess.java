package io.failback.demo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

/**
 * One of the three services run from its own jar as its own process, configured by environment (as the
 * compose file does), its output appended to a log file (a restarted service continues its predecessor's
 * log). Ready when Spring Boot says it started.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    /** Where this process's output begins in the log: a predecessor's "Started" line is not this one's. */
    private final long logStart;

    private ServiceProcess(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** The service jar the build made, e.g. {@code orchestrator-service/target/orchestrator-service-0.1.0-SNAPSHOT.jar}. */
    public static Path jar(Path repo, String module) {
        Path target = repo.resolve(module).resolve("target");
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jar for " + module + " in " + target
                            + ": build it first (./mvnw -B install -DskipTests)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ServiceProcess start(String name, Path jar, Map<String, String> environment, Path logDir) {
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                "--logging.level.org.springframework.boot.SpringApplication=INFO"));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(logDir);
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            return new ServiceProcess(name, builder.start(), log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Waits for Spring Boot's "Started ..." line; fails with the log's tail when the process dies first. */
    public ServiceProcess awaitStarted(Duration timeout) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (ownLogText().contains("Started ")) {
                    return true;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(exitReport().orElseThrow());
                }
                return false;
            });
            return this;
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " did not start within " + timeout + ":\n" + tail(ownLogText()));
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Empty while the process runs; once it has ended, its exit status and the tail of its log. */
    public Optional<String> exitReport() {
        if (process.isAlive()) {
            return Optional.empty();
        }
        return Optional.of(name + " exited with " + process.exitValue() + ":\n" + tail(ownLogText()));
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public long pid() {
        return process.pid();
    }

    /** This process's own output, without its predecessors'. */
    public String ownLogText() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, bytes.length);
            return new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL, as a crash. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(30)) {
                kill();
            }
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
    }
}
