package io.failback.sandbox.replication;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication simulator's command line, read without starting it. */
class ReplicationSimulatorOptionsTest {

    private final StringWriter err = new StringWriter();

    private ReplicationSimulator.Options parse(String... args) {
        ReplicationSimulator.Options options = new ReplicationSimulator.Options();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void shouldRunWithTheDemoClockUnlessToldOtherwise() {
        // when only the broker and the estate are given
        ReplicationSimulator.Options options = parse("--bootstrap-servers", "localhost:9092", "--estate", "estate.json");

        // then the simulator keeps the demo's settings
        assertThat(options.bootstrapServers).isEqualTo("localhost:9092");
        assertThat(options.estateFile).isEqualTo(Path.of("estate.json"));
        assertThat(options.settings()).isEqualTo(ReplicationEngine.Settings.demo());
    }

    @Test
    void shouldReadTheClockOptionsAsDurations() {
        // when the clock is given as the scripts give it, and in the other forms of a duration
        ReplicationSimulator.Options options = parse("--bootstrap-servers", "b:9092", "--estate", "e.json",
                "--agent-registration-delay", "2s", "--crash-point-every", "PT1M", "--app-point-every", "1m30s");

        // then each is the duration meant
        assertThat(options.settings().agentRegistrationDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.settings().crashPointEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(options.settings().appPointEvery()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldRefuseAMissingEstateOrABadDurationWithExitCode2() {
        // when the estate is missing, or a duration is not one
        int missing = new CommandLine(new ReplicationSimulator.Options()).setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", "b:9092");
        int bad = new CommandLine(new ReplicationSimulator.Options()).setErr(new PrintWriter(err))
                .execute("--bootstrap-servers", "b:9092", "--estate", "e.json", "--crash-point-every", "-5s");

        // then both end with 2 and a usage message naming the problem
        assertThat(missing).isEqualTo(2);
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--estate=FILE'", "expected a duration like 90s")
                .doesNotContain("\tat ");
    }
}
