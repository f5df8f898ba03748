package io.failback.sandbox.arm;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator's command line as a script or an operator types it, read without starting a server. */
class ArmEmulatorMainTest {

    private static final String VM = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private ArmEmulatorMain parse(String... args) {
        ArmEmulatorMain main = new ArmEmulatorMain();
        new CommandLine(main).parseArgs(args);
        return main;
    }

    private int execute(String... args) {
        return new CommandLine(new ArmEmulatorMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void shouldKeepTheDefaultsOfTheSeparateProcess() {
        // when no option is given
        ArmEmulatorMain main = parse();

        // then the emulator runs as before: 300 ms operations, 1 s Retry-After, no latency or faults, any token
        assertThat(main.operationDuration).isEqualTo(Duration.ofMillis(300));
        assertThat(main.pollRetryAfter).isEqualTo(Duration.ofSeconds(1));
        assertThat(main.latency).isZero();
        assertThat(main.retryAfter).isEqualTo(Duration.ofSeconds(1));
        assertThat(main.throttleRate).isZero();
        assertThat(main.serverErrorRate).isZero();
        assertThat(main.randomSeed).isEqualTo(1);
        assertThat(main.truststorePassword).isEqualTo(ArmEmulator.DEFAULT_TRUSTSTORE_PASSWORD);
        assertThat(main.token).isNull();
        assertThat(main.port).isZero();
    }

    @Test
    void shouldReadBareNumbersInTheUnitEachOptionNamesAndSuffixedDurationsAsWritten() {
        // when the timing options are given as numbers, as scripts always gave them, or as durations
        ArmEmulatorMain numbers = parse("--operation-ms", "250", "--poll-retry-after-s", "2", "--latency-ms", "40",
                "--retry-after-s", "3");
        ArmEmulatorMain durations = parse("--operation-ms", "2s", "--poll-retry-after-s", "500ms", "--latency-ms", "PT0.1S");

        // then a bare number counts the option's unit, and a suffix overrides it
        assertThat(numbers.operationDuration).isEqualTo(Duration.ofMillis(250));
        assertThat(numbers.pollRetryAfter).isEqualTo(Duration.ofSeconds(2));
        assertThat(numbers.latency).isEqualTo(Duration.ofMillis(40));
        assertThat(numbers.retryAfter).isEqualTo(Duration.ofSeconds(3));
        assertThat(durations.operationDuration).isEqualTo(Duration.ofSeconds(2));
        assertThat(durations.pollRetryAfter).isEqualTo(Duration.ofMillis(500));
        assertThat(durations.latency).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void shouldSeedEveryVmGivenWithItsState() {
        // when VMs are given by id, with and without a state
        ArmEmulatorMain main = parse("--vm", VM + "=stopped", "--vm", VM.replace("web01", "web02"));

        // then each is seeded, running unless told otherwise
        assertThat(main.vms).extracting(s -> s.id().name() + " " + s.powerState()).containsExactly("web01 STOPPED", "web02 RUNNING");
    }

    @Test
    void shouldReadEveryWordOfASeedLine() {
        // when a seed line names every setting, and another only the id
        VmSpec full = ArmEmulatorMain.parseVm(VM + " stopped dataDisks=3 nics=2 location=northeurope os=Linux deleteWithVm");
        VmSpec plain = ArmEmulatorMain.parseVm("  " + VM + "  ");

        // then each word sets its part and the rest keep VmSpec.of's defaults
        assertThat(full).isEqualTo(new VmSpec(ArmId.parse(VM), "northeurope", ArmPowerState.STOPPED, "Linux", "Standard_D2s_v3",
                3, 2, true));
        assertThat(plain).isEqualTo(VmSpec.of(VM));
    }

    @Test
    void shouldRefuseABadDurationWithExitCode2AndTheNamedError() {
        // when a duration option is not a duration
        int code = execute("--latency-ms", "soon");

        // then the process ends with 2 and says what a duration looks like, without a stack trace
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--latency-ms", "expected a duration like 90s").doesNotContain("\tat ");
    }

    @Test
    void shouldPrintItsOptionsOnHelp() {
        // when asked for help
        int code = execute("--help");

        // then every option the scripts use is listed
        assertThat(code).isZero();
        assertThat(out.toString()).contains("--port", "--dir", "--vm", "--seed-file", "--operation-ms", "--poll-retry-after-s",
                "--latency-ms", "--throttle-rate", "--retry-after-s", "--server-error-rate", "--random-seed", "--token");
    }
}
