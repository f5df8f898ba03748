package io.failback.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import io.failback.testsupport.ComposeFile;
import org.junit.jupiter.api.Test;

/** The compose file's dashboard: built by the one Dockerfile, configured only through properties it has, on loopback only. */
class ComposeEnvironmentTest {

    private final ComposeFile compose = ComposeFile.read(ComposeFile.locate());

    @Test
    void shouldConfigureTheDashboardOnlyThroughPropertiesItHas() {
        assertThat(compose.environment("dashboard")).containsKeys("SPRING_KAFKA_BOOTSTRAP_SERVERS", "SERVER_PORT");
        assertThat(compose.unknownEnvironmentKeys("dashboard", Set.of(), DashboardProperties.class)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldBuildTheDashboardWithTheOneDockerfileAndPublishItOnLoopbackOnly() {
        Map<String, Object> service = compose.service("dashboard");

        assertThat((Map<String, Object>) service.get("build")).containsEntry("args", Map.of("MODULE", "dashboard"));
        assertThat(String.valueOf(service.get("ports"))).contains("127.0.0.1:8080:8080");
        assertThat(String.valueOf(service.get("depends_on"))).contains("kafka-topics").contains("service_completed_successfully");
    }
}
