package io.failback.ctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;

import io.failback.ctl.ExitCode;
import io.failback.ctl.FailbackCtl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Argument checking and help, which happen before any broker is contacted. */
class CommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String line) {
        Console console = new Console(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, ZoneOffset.UTC);
        return FailbackCtl.run(line.isEmpty() ? new String[0] : line.split(" "), console);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "''                                                  | a command is needed",
        "submit                                              | nothing to fail back",
        "submit --vm web01 --plan plan-erp                   | give either --vm or --plan, not both",
        "submit --vm web01 --vm web01                        | VM web01 is given twice",
        "submit --vm web01 --recovery-point newest           | expected one of latest, latest-app-consistent, after-shutdown (got 'newest')",
        "submit --vm web01 --commit later                    | expected one of manual, auto-commit, auto-rollback",
        "submit --vm web01 --commit-delay 5m                 | --commit-delay applies to --commit auto-commit or auto-rollback only",
        "submit --vm web01 --commit auto-commit --commit-delay soon | expected a duration like 90s",
        "submit --vm web01 --reprotect                       | --reprotect needs --process-server PS",
        "submit --vm web01 --process-server ps-01            | --process-server is used only with --reprotect",
        "submit --vm web01 --request-id a/b                  | --request-id must be 1 to 128 of",
        "submit --vm web01 --until-done                      | --until-done applies only with --watch",
        "submit --vm web01 --colour                          | Unknown option: '--colour'",
        "watch                                               | Missing required parameter: 'JOB'",
        "show a b                                            | Unmatched argument at index 2: 'b'",
        "commit                                              | Missing required parameter: 'JOB'",
        "retry                                               | Missing required parameter: 'JOB'",
        "retry job-1 --vm                                    | Missing required parameter for option '--vm'",
        "retry job-1 --wait never                            | expected a duration like 90s",
        "watch job-1 --timeout forever                       | expected a duration like 90s",
        "frobnicate                                          | Unmatched argument at index 0: 'frobnicate'",
    })
    void shouldRefuseBadArgumentsWithExitCode2AndAPlainMessage(String line, String message) {
        // when
        int code = run(line.trim());

        // then
        assertThat(code).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(err()).contains(message).contains("--help' for usage").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void shouldRefuseAnUnreadableCommandConfigAsABadArgument() {
        // when
        int code = run("jobs --command-config /nonexistent/client.properties");

        // then
        assertThat(code).isEqualTo(ExitCode.BAD_ARGUMENTS);
        assertThat(err()).contains("cannot read --kafka-config /nonexistent/client.properties").doesNotContain("\tat ");
    }

    @Test
    void shouldDocumentCommandsEnvironmentAndExitCodesInHelp() {
        // when
        int code = run("--help");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("submit", "watch", "commit", "cancel", "jobs", "show")
                .contains("FAILBACK_BOOTSTRAP_SERVERS")
                .contains("Exit codes:", "  0", "  2   bad arguments", "  3   broker unreachable", "  4   job not found",
                        "  5   job ended not successful", "  6   watch --timeout");
    }

    @Test
    void shouldDocumentSubmitOptionsAndExitCodesInTheCommandsHelp() {
        // when
        int code = run("submit --help");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--vm=VM", "--plan=PLAN", "--recovery-point=KIND",
                "latest-app-consistent", "--commit=POLICY", "--commit-delay=DURATION", "--reprotect", "--process-server=PS",
                "--request-id=ID", "--requested-by=NAME", "--watch", "--until-done", "--bootstrap-servers", "--command-config",
                "Exit codes:");
    }

    @Test
    void shouldDocumentRetryAndItsExitCodesInItsHelp() {
        // when
        int code = run("retry --help");

        // then
        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("retry", "JOB", "--vm=VM", "--wait=DURATION", "--requested-by=NAME",
                "NEED_ATTENTION", "no Azure VM and no disk is deleted", "Exit codes:", "  7   the orchestrator refused the command");
    }
}
