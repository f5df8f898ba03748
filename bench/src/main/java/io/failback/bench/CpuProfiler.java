package io.failback.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * {@code --cpu-profile}: the orchestrator run under async-profiler's agent, sampling every thread's CPU every
 * millisecond, native frames included (RocksDB's writes, the kernel's), which Flight Recorder's sampler leaves out.
 * It writes a JFR file of {@code jdk.ExecutionSample} events: {@code jfr print}, {@code jfr summary} or JDK Mission
 * Control read it. The agent's library comes from the async-profiler jar on the bench's classpath.
 */
final class CpuProfiler {

    private CpuProfiler() {
    }

    /** The jar's folder for this machine's library, or why there is none. */
    static String platform(String os, String arch) {
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new IllegalStateException("--cpu-profile runs on Linux only (async-profiler's agent), not on " + os);
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-arm64";
            default -> throw new IllegalStateException("--cpu-profile: async-profiler has no library for " + arch);
        };
    }

    /** The JVM option that starts the agent, its library copied into {@code dir}, writing {@code output} at exit. */
    static String agent(Path dir, Path output) {
        String resource = platform(System.getProperty("os.name"), System.getProperty("os.arch")) + "/libasyncProfiler.so";
        Path library = dir.resolve("libasyncProfiler.so");
        try (InputStream in = CpuProfiler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("--cpu-profile: " + resource + " is not on the classpath (tools.profiler:async-profiler)");
            }
            Files.createDirectories(dir);
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "-agentpath:" + library.toAbsolutePath() + "=start,event=cpu,interval=1ms,file=" + output.toAbsolutePath();
    }
}
