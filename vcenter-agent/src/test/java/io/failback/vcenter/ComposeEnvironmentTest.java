package io.failback.vcenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import io.failback.agent.AgentProperties;
import io.failback.testsupport.ComposeFile;
import org.junit.jupiter.api.Test;

/** Every environment key the compose file gives the vcenter-agent binds to a real property of this service. */
class ComposeEnvironmentTest {

    @Test
    void shouldConfigureTheVcenterAgentOnlyThroughPropertiesItHas() {
        ComposeFile compose = ComposeFile.read(ComposeFile.locate());

        assertThat(compose.environment("vcenter-agent")).containsKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS",
                "FAILBACK_VCENTER_VCENTERS_0_URL", "FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PATH");
        assertThat(compose.unknownEnvironmentKeys("vcenter-agent", Set.of(), VcenterProperties.class, AgentProperties.class)).isEmpty();
    }
}
