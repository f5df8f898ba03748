package io.failback.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The agent as it is deployed: the boot jar this module's build made (in {@code package}, before the
 * integration tests), run as its own process, configured by environment, its output in a log file.
 */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AgentProcess start(String module, Map<String, String> environment, Path log) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar(module).toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            return new AgentProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for Spring Boot's "Started" line; fails at once, with the log, if the process ends first. */
    public AgentProcess awaitStarted(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the agent exited with " + process.exitValue() + ":\n" + log());
            }
            return log().contains("Started ");
        });
        return this;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL, as a crash: no shutdown hook, no leaving the group, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Ends the process the quick way: the tests need nothing from a graceful stop. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static Path jar(String module) {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + module + " jar in target: run the build to package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
