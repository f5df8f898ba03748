package io.failback.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import io.failback.agent.AgentProperties;
import io.failback.testsupport.ComposeFile;
import org.junit.jupiter.api.Test;

/**
 * Every environment key the compose file gives the azure-agent binds to a real property of this service,
 * except the service principal variables azure-identity's DefaultAzureCredential reads by itself.
 */
class ComposeEnvironmentTest {

    private static final Set<String> READ_BY_AZURE_IDENTITY = Set.of("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET");

    @Test
    void shouldConfigureTheAzureAgentOnlyThroughPropertiesItHas() {
        ComposeFile compose = ComposeFile.read(ComposeFile.locate());

        assertThat(compose.environment("azure-agent")).containsKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS", "FAILBACK_AZURE_SUBSCRIPTION_ID");
        assertThat(compose.unknownEnvironmentKeys("azure-agent", READ_BY_AZURE_IDENTITY, AzureAgentProperties.class,
                AgentProperties.class)).isEmpty();
    }
}
