package io.failback.ctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.FailbackRequest;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReprotectOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The request that submit's options describe, built without a broker. */
class SubmitCommandTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private static FailbackRequest requestFor(Map<String, String> env, String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        SubmitCommand submit = new SubmitCommand(new Console(env, sink, sink, false, ZoneOffset.UTC));
        new CommandLine(submit).parseArgs(args);
        return submit.request(NOW);
    }

    @Test
    void shouldDescribeAPlanFailbackWithEveryOption() {
        // when
        FailbackRequest r = requestFor(Map.of("USER", "bob"), "--plan", "plan-erp", "--recovery-point", "latest-app-consistent",
                "--commit", "auto-rollback", "--commit-delay", "2m", "--reprotect", "--process-server", "ps-01",
                "--request-id", "change-4711", "--requested-by", "alice");

        // then
        assertThat(r.getRequestId()).isEqualTo("change-4711");
        assertThat(r.getRequestedBy()).isEqualTo("alice");
        assertThat(r.getRequestedAt()).isEqualTo(NOW);
        assertThat(r.getPlanId()).isEqualTo("plan-erp");
        assertThat(r.getVmIds()).isEmpty();
        assertThat(r.getRecoveryPoint()).isEqualTo(RecoveryPointKind.LATEST_APP_CONSISTENT);
        assertThat(r.getCommitPolicy()).isEqualTo(new CommitPolicy(CommitPolicyKind.AUTO_ROLLBACK, 120));
        assertThat(r.getReprotect()).isEqualTo(new ReprotectOptions("ps-01"));
    }

    @Test
    void shouldTakeRepeatedAndCommaSeparatedVmsWithDefaultsAndTheUserFromTheEnvironment() {
        // when
        FailbackRequest r = requestFor(Map.of("USER", "bob"), "--vm", "web01", "--vm", "web02,db01");

        // then
        assertThat(r.getVmIds()).containsExactly("web01", "web02", "db01");
        assertThat(r.getPlanId()).isNull();
        assertThat(r.getRequestedBy()).isEqualTo("bob");
        assertThat(r.getRecoveryPoint()).isEqualTo(RecoveryPointKind.LATEST);
        assertThat(r.getCommitPolicy()).isEqualTo(new CommitPolicy(CommitPolicyKind.MANUAL, 0));
        assertThat(r.getReprotect()).isNull();
        assertThat(r.getRequestId()).matches("fb-20240501-100000-[0-9a-f]{8}").matches(SubmitCommand.REQUEST_ID);
    }

    @Test
    void shouldGenerateADifferentRequestIdEachTime() {
        // when
        String first = requestFor(Map.of(), "--vm", "web01").getRequestId();
        String second = requestFor(Map.of(), "--vm", "web01").getRequestId();

        // then
        assertThat(first).isNotEqualTo(second);
    }
}
