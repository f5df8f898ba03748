package io.failback.azure;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.failback.azure.arm.ArmClients;
import io.failback.azure.commands.AzureCommandHandler;
import io.failback.messages.AzureCommand;
import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmId;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.arm.VmSpec;

/** The emulator, agent settings pointing at it, and commands, as the agent's integration tests use them. */
final class AgentFixtures {

    static final String SUBSCRIPTION = "5f1c0b6e-0000-4000-8000-00000000f00d";
    static final String RESOURCE_GROUP = "failover-rg";
    static final String TOKEN = "emulator-static-token-7b1e";

    private static int vmCounter;

    private AgentFixtures() {
    }

    /** An emulator whose operations take 150 ms and that leaves the poll interval to the client. */
    static ArmEmulator startEmulator() throws IOException {
        return ArmEmulator.builder().operationDuration(Duration.ofMillis(150)).pollRetryAfter(Duration.ZERO)
                .expectedToken(TOKEN).start();
    }

    /** Settings for the emulator with short waits: the SDK's back-off starts at 100 ms, polls every 50 ms. */
    static AzureAgentProperties properties(ArmEmulator emulator, String token, int maxRetries, Duration operationTimeout) {
        return new AzureAgentProperties(SUBSCRIPTION, null, emulator.url(), URI.create("https://login.microsoftonline.com/"),
                "https://management.azure.com/.default", AzureAgentProperties.CredentialMode.STATIC_TOKEN, token,
                new AzureAgentProperties.Truststore(emulator.truststore(), emulator.truststorePassword(), "PKCS12"), 4, true, true,
                new AzureAgentProperties.Retry(maxRetries, Duration.ofMillis(100), Duration.ofSeconds(2)), Duration.ofMillis(50),
                operationTimeout);
    }

    static AzureCommandHandler handler(AzureAgentProperties properties) {
        return new AzureCommandHandler(ArmClients.operations(properties), properties.deleteDisks(),
                properties.deleteNetworkInterfaces(), Clock.systemUTC());
    }

    /** Seeds a VM with two data disks and one network interface; returns its ARM id. */
    static String seedVm(ArmEmulator emulator, ArmPowerState state) {
        String id = ArmId.virtualMachine(SUBSCRIPTION, RESOURCE_GROUP, "vm-" + (++vmCounter) + "-" + state.name().toLowerCase())
                .toString();
        emulator.seed(VmSpec.of(id).powerState(state).dataDisks(2));
        return id;
    }

    static AzureCommand command(Object operation) {
        return AzureCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setJobId("job-" + UUID.randomUUID())
                .setVmId("vm-" + UUID.randomUUID())
                .setIssuedAt(Instant.now())
                .setOperation(operation)
                .build();
    }
}
