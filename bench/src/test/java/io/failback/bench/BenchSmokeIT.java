package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The benchmark as {@code scripts/bench.sh} runs it, at a small seed-fixed size, so that it keeps working on a fresh
 * clone: a fresh broker, the orchestrator's jar as its own process, both baselines and the makespan run. It asserts
 * what the figures rest on, never a speed: every job completed, every command was delivered once, each baseline took
 * the steps it was given per VM, the makespan was no shorter than its lower bound, the orchestrator's CPU profile has
 * its samples, and the report has its tables.
 */
class BenchSmokeIT {

    private static final int VMS = 30;

    @Test
    void shouldRunEverySystemToCompletionWithEachCommandDeliveredOnce() throws Exception {
        // given the bench's classpath as the package phase wrote it, and the orchestrator's jar of this build; the bench
        // runs from the repository's root, as the script runs it (it reads the Dockerfile's JVM flags there)
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path out = Path.of("target", "bench-smoke").toAbsolutePath();
        Files.createDirectories(out);
        String classpath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target", "classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.failback.messages", "-cp", classpath, Bench.class.getName(),
                "--out", out.toString(), "--orchestrator-jar", Bench.orchestratorJar(root).toString(),
                "--sizes", Integer.toString(VMS), "--warmup", Integer.toString(VMS), "--makespan-vms", Integer.toString(VMS),
                "--scale", "1000", "--seed", "42", "--cpu-profile"));

        // when it runs
        Process bench = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolve("bench.log").toFile()).start();
        boolean ended = bench.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            bench.destroyForcibly();
        }

        // then it ended well, each system's job completed with every command delivered once
        assertThat(ended).as("the bench ended within 10 minutes; its log: " + out.resolve("bench.log")).isTrue();
        assertThat(bench.exitValue()).as("the bench's exit code; its log: " + out.resolve("bench.log")).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        int steps = report.get("baselineTraffic").get("stepsPerVm").asInt();
        assertThat(steps).as("the orchestrator's commands per VM, which the baseline mirrors").isGreaterThanOrEqualTo(9);
        List<String> systems = new ArrayList<>();
        for (JsonNode run : report.get("runs")) {
            String system = run.get("system").asText();
            systems.add(system);
            assertThat(run.get("vms").asInt()).isEqualTo(VMS);
            assertThat(run.get("end").asText()).as(system).isEqualTo("COMPLETED");
            assertThat(run.get("commands").asInt()).as(system + ": every command delivered once")
                    .isPositive().isEqualTo(run.get("distinctCommands").asInt());
            assertThat(run.get("statuses").asInt()).as(system + "'s statuses").isPositive();
            assertThat(run.get("audits").asInt()).as(system + "'s audits").isPositive();
            if (system.startsWith("baseline")) { // a baseline takes exactly the steps it was given, gated or not
                assertThat(run.get("commands").asInt()).as(system).isEqualTo(VMS * steps);
            }
        }
        assertThat(systems).containsExactlyInAnyOrder("orchestrator", "baseline", Bench.Runner.GATED_BASELINE);

        // and the makespan run completed, no shorter than the lower bound its limits and boot groups allow
        JsonNode makespan = report.get("makespan");
        assertThat(makespan.get("run").get("end").asText()).isEqualTo("COMPLETED");
        assertThat(makespan.get("run").get("commands").asInt()).isEqualTo(makespan.get("run").get("distinctCommands").asInt());
        assertThat(makespan.get("run").get("seconds").asDouble()).isGreaterThanOrEqualTo(makespan.get("lowerBoundSeconds").asDouble());

        // and the orchestrator's CPU profile (--cpu-profile) holds its stream thread's samples, read as JDK tools read it
        long streamThreadSamples = 0;
        try (RecordingFile profile = new RecordingFile(out.resolve("orchestrator-cpu.jfr"))) {
            while (profile.hasMoreEvents()) {
                RecordedEvent e = profile.readEvent();
                RecordedThread thread = e.getEventType().getName().equals("jdk.ExecutionSample") ? e.getThread("sampledThread") : null;
                if (thread != null && String.valueOf(thread.getJavaName()).endsWith("-StreamThread-1")) {
                    streamThreadSamples++;
                }
            }
        }
        assertThat(streamThreadSamples).as("CPU samples of the orchestrator's stream thread").isPositive();

        // and the Markdown report has the side-by-side tables
        String md = Files.readString(out.resolve("bench.md"));
        assertThat(md).contains("| orchestrator | " + VMS + " | COMPLETED", "| baseline | " + VMS + " | COMPLETED",
                "| " + Bench.Runner.GATED_BASELINE + " | " + VMS + " | COMPLETED", "Against the baseline with the same gates",
                "Makespan of a " + VMS + "-VM plan");
    }
}
