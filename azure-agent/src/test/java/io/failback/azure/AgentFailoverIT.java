package io.failback.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.failback.agent.testing.FailoverDrill;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.ReadAzureVm;
import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.testsupport.InJvmKafkaExtension;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover in seconds: two agents, each its own process from the boot jar, share the command topic with
 * static membership; one is killed with SIGKILL, and a command sent right after to a partition it held is
 * answered by the other within 10 s of the kill (a 6 s session timeout, not Kafka's default 45 s).
 */
class AgentFailoverIT {

    @TempDir
    static Path dir;
    @RegisterExtension
    static final InJvmKafkaExtension broker = new InJvmKafkaExtension();
    static ArmEmulator emulator;
    static String vm;

    @BeforeAll
    static void start() throws Exception {
        emulator = AgentFixtures.startEmulator();
        vm = AgentFixtures.seedVm(emulator, ArmPowerState.RUNNING);
    }

    @AfterAll
    static void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldAnswerACommandForAKilledInstancesPartitionFromAnotherInstanceWithinTenSeconds() throws Exception {
        FailoverDrill<AzureCommand, AzureResult> drill = new FailoverDrill<>(broker.bootstrapServers(), "azure-agent",
                Topics.AZURE_COMMANDS, Topics.AZURE_EVENTS, AzureCommand::getCommandId, AzureCommand::getVmId, AzureResult::getCommandId);

        FailoverDrill.Outcome<AzureResult> outcome = drill.run(dir, instance -> environment(),
                () -> AgentFixtures.command(new ReadAzureVm(vm)));

        assertThat(outcome.assertAnsweredBySurvivorWithin(FailoverDrill.ANSWER_WITHIN).getCode()).isEqualTo(AzureResultCode.OK);
    }

    private static Map<String, String> environment() {
        return Map.of("FAILBACK_AZURE_SUBSCRIPTION_ID", AgentFixtures.SUBSCRIPTION,
                "FAILBACK_AZURE_ARM_ENDPOINT", emulator.url().toString(),
                "FAILBACK_AZURE_CREDENTIAL", "static-token",
                "FAILBACK_AZURE_STATIC_TOKEN", AgentFixtures.TOKEN,
                "FAILBACK_AZURE_TRUSTSTORE_PATH", emulator.truststore().toString(),
                "FAILBACK_AZURE_TRUSTSTORE_PASSWORD", emulator.truststorePassword(),
                "FAILBACK_AZURE_POLL_INTERVAL", "50ms");
    }
}
