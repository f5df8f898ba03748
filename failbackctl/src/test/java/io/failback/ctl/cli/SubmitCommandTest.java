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

    @Test
    void shouldFailAVmBackToANewVmAtTheAlternateLocationGiven() {
        // when
        FailbackRequest r = requestFor(Map.of(), "--vm", "srv01,web01", "--alternate-location",
                "srv01:datacenter=DC0,cluster=DC0_C0,datastore=LocalDS_0,name=srv01-recovered,folder=Recovered,network=VM Network");

        // then only srv01 gets a new VM, with every place given
        assertThat(r.getAlternateLocations()).hasSize(1);
        io.failback.messages.VmAlternateLocation at = r.getAlternateLocations().get(0);
        assertThat(at.getVmId()).isEqualTo("srv01");
        assertThat(at.getLocation().getDatacenter()).isEqualTo("DC0");
        assertThat(at.getLocation().getCluster()).isEqualTo("DC0_C0");
        assertThat(at.getLocation().getHost()).isNull();
        assertThat(at.getLocation().getFolder()).isEqualTo("Recovered");
        assertThat(at.getLocation().getNetwork()).isEqualTo("VM Network");
        assertThat(at.getLocation().getVmName()).isEqualTo("srv01-recovered");
    }

    @Test
    void shouldRefuseAnAlternateLocationMissingAPlaceOrNamingAnotherVm() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requestFor(Map.of(), "--vm", "srv01", "--alternate-location",
                "srv01:datacenter=DC0,datastore=LocalDS_0,name=x")).hasMessageContaining("needs cluster= or host=");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requestFor(Map.of(), "--vm", "srv01", "--alternate-location",
                "srv02:datacenter=DC0,host=h1,datastore=LocalDS_0,name=x")).hasMessageContaining("not one of the --vm given");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requestFor(Map.of(), "--vm", "srv01", "--alternate-location",
                "srv01:datacenter=DC0,host=h1,datastore=LocalDS_0,name=x,colour=blue")).hasMessageContaining("'colour=blue' is not one of");
    }
}
