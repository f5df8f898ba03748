package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import io.failback.testsupport.ComposeFile;
import org.junit.jupiter.api.Test;

/** Every environment key the compose file gives the orchestrator binds to a real property of this service. */
class ComposeEnvironmentTest {

    @Test
    void shouldConfigureTheOrchestratorOnlyThroughPropertiesItHas() {
        ComposeFile compose = ComposeFile.read(ComposeFile.locate());

        assertThat(compose.environment("orchestrator-service")).isNotEmpty().containsKey("SPRING_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(compose.unknownEnvironmentKeys("orchestrator-service", Set.of(), OrchestratorProperties.class)).isEmpty();
    }

    @Test
    void shouldNoticeAKeyThatBindsToNothing() {
        ComposeFile compose = ComposeFile.read(ComposeFile.locate());

        // the vCenter agent's keys are not the orchestrator's: read against the orchestrator, they are unknown
        assertThat(compose.unknownEnvironmentKeys("vcenter-agent", Set.of(), OrchestratorProperties.class))
                .contains("FAILBACK_VCENTER_VCENTERS_0_URL");
    }
}
