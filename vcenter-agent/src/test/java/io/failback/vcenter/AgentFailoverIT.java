package io.failback.vcenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.failback.agent.testing.FailoverDrill;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.testsupport.InJvmKafkaExtension;
import io.failback.testsupport.VcsimExtension;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover in seconds: two agents, each its own process from the boot jar, share the command topic with
 * static membership; one is killed with SIGKILL, and a command sent right after to a partition it held is
 * answered by the other within 10 s (a 6 s session timeout, not Kafka's default 45 s).
 */
class AgentFailoverIT {

    @TempDir
    static Path dir;
    @RegisterExtension
    static final InJvmKafkaExtension broker = new InJvmKafkaExtension();
    @RegisterExtension
    static final VcsimExtension vcenter = VcsimExtension.of(b -> b.seedJson("""
            {"masterTargets": [], "vms": [{"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn"}]}
            """));

    @Test
    void shouldAnswerACommandForAKilledInstancesPartitionFromAnotherInstanceWithinTenSeconds() throws Exception {
        FailoverDrill<VcenterCommand, VcenterResult> drill = new FailoverDrill<>(broker.bootstrapServers(), "vcenter-agent",
                Topics.VCENTER_COMMANDS, Topics.VCENTER_EVENTS, VcenterCommand::getCommandId, VcenterCommand::getVmId,
                VcenterResult::getCommandId);

        FailoverDrill.Outcome<VcenterResult> outcome = drill.run(dir, AgentFailoverIT::environment, () -> Commands.checkConnection("vc01"));

        assertThat(outcome.assertAnsweredBySurvivorWithin(FailoverDrill.ANSWER_WITHIN).getCode()).isEqualTo(VcenterResultCode.OK);
    }

    private static Map<String, String> environment(String instance) {
        Vcsim vcsim = vcenter.get();
        Path store = vcsim.writeTrustStore(dir.resolve(instance + "-truststore.p12"), "changeit".toCharArray());
        return Map.of("FAILBACK_VCENTER_VCENTERS_0_NAME", "vc01",
                "FAILBACK_VCENTER_VCENTERS_0_URL", vcsim.url().toString(),
                "FAILBACK_VCENTER_VCENTERS_0_USERNAME", vcsim.username(),
                "FAILBACK_VCENTER_VCENTERS_0_PASSWORD", vcsim.password(),
                "FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PATH", store.toString(),
                "FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PASSWORD", "changeit");
    }
}
