package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuProfilerTest {

    @TempDir
    Path dir;

    @Test
    void shouldStartTheAgentFromItsLibraryCopiedOutOfTheJarWritingTheProfileGiven() {
        String option = CpuProfiler.agent(dir, dir.resolve("out/orchestrator-cpu.jfr"));

        Path library = dir.resolve("libasyncProfiler.so");
        assertThat(option).isEqualTo("-agentpath:" + library.toAbsolutePath() + "=start,event=cpu,interval=1ms,file="
                + dir.resolve("out/orchestrator-cpu.jfr").toAbsolutePath());
        assertThat(library).isRegularFile();
        assertThat(library.toFile().length()).as("the shared library, whole").isGreaterThan(100_000);
    }

    @Test
    void shouldPickTheLibraryOfTheMachinesArchitectureAndNameWhatItLacks() {
        assertThat(CpuProfiler.platform("Linux", "amd64")).isEqualTo("linux-x64");
        assertThat(CpuProfiler.platform("Linux", "aarch64")).isEqualTo("linux-arm64");
        assertThatThrownBy(() -> CpuProfiler.platform("Mac OS X", "aarch64")).hasMessageContaining("Linux only");
        assertThatThrownBy(() -> CpuProfiler.platform("Linux", "riscv64")).hasMessageContaining("riscv64");
    }

    @Test
    void shouldProfileOnlyWhenAsked() {
        assertThat(Bench.Options.parse(new String[0]).cpuProfile()).isFalse();
        assertThat(Bench.Options.parse(new String[] {"--cpu-profile"}).cpuProfile()).isTrue();
    }
}
