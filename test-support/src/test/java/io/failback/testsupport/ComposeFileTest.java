package io.failback.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The compose file for a real deployment parses and says what the code says (it can't run here: no Docker engine). */
class ComposeFileTest {

    private final Path file = ComposeFile.locate();
    private final ComposeFile compose = ComposeFile.read(file);

    @Test
    void shouldRunKafkaInKraftModeFromAPinnedImageWithAHealthcheck() {
        Map<String, Object> kafka = compose.service("kafka");
        assertThat((String) kafka.get("image")).matches("apache/kafka:\\d+\\.\\d+\\.\\d+");
        assertThat(compose.environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .containsKey("KAFKA_CONTROLLER_QUORUM_VOTERS");
        @SuppressWarnings("unchecked")
        Map<String, Object> health = (Map<String, Object>) kafka.get("healthcheck");
        assertThat(health).containsKeys("test", "interval", "retries");
        assertThat(String.valueOf(health.get("test"))).contains("--bootstrap-server localhost:9092");
    }

    @Test
    void shouldCreateExactlyTheCatalogsTopicsBeforeAnyServiceStarts() {
        Map<String, Object> step = compose.service("kafka-topics");
        assertThat(step.get("image")).isEqualTo(compose.service("kafka").get("image"));
        String script = String.valueOf(step.get("command"));
        List<String> created = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*create (\\S+) (\\d+) (\\S+) (\\d+) (\\S+)( \\d+)?\\s*$").matcher(script.replace("\\n", "\n").replace(", ", "\n"));
        while (m.find()) {
            created.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5)
                    + (m.group(6) == null ? "" : m.group(6)));
        }
        assertThat(created).containsExactlyElementsOf(Topics.ALL.stream()
                .map(t -> t.name() + " " + t.partitions() + " " + t.cleanupPolicy().configValue() + " " + t.maxMessageBytes()
                        + " " + t.compression() + (t.retention() == null ? "" : " " + t.retention().toMillis()))
                .collect(Collectors.toList()));
        for (String service : List.of("orchestrator-service", "vcenter-agent", "azure-agent")) {
            assertThat(String.valueOf(compose.service(service).get("depends_on")))
                    .as(service).contains("kafka-topics").contains("service_completed_successfully");
        }
    }

    @Test
    void shouldCheckEachServicesReadinessOnItsActuatorPort() {
        for (String service : List.of("orchestrator-service", "vcenter-agent", "azure-agent")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> health = (Map<String, Object>) compose.service(service).get("healthcheck");
            assertThat(health).as(service).containsKeys("test", "interval", "retries", "start_period");
            String port = compose.environment(service).get("SERVER_PORT");
            assertThat(String.valueOf(health.get("test"))).as(service)
                    .contains("/dev/tcp/localhost/" + port, "GET /actuator/health/readiness", "' 200 '");
        }
    }

    @Test
    void shouldBuildEveryServiceThroughTheOneParameterisedDockerfile() throws Exception {
        // given the one Dockerfile at the root
        Path dockerfile = file.getParent().resolve("Dockerfile");
        String text = Files.readString(dockerfile);
        assertThat(text).contains("ARG MODULE").contains("-pl \"$MODULE\" -am package").doesNotContain(":latest");
        assertThat(Pattern.compile("(?m)^FROM \\S+:\\d[^\\s]*").matcher(text).results().count()).as("pinned FROM lines").isEqualTo(2);

        for (String service : List.of("orchestrator-service", "vcenter-agent", "azure-agent")) {
            // when compose builds the service
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) compose.service(service).get("build");

            // then it builds that module through it, and no other Dockerfile is left beside the module
            assertThat(file.getParent().resolve(String.valueOf(build.get("context"))).normalize()).as(service).isEqualTo(file.getParent());
            assertThat(build.get("dockerfile")).as(service).isIn(null, "Dockerfile");
            assertThat(build.get("args")).as(service).isEqualTo(Map.of("MODULE", service));
            assertThat(file.getParent().resolve(service)).as(service).isDirectory();
            assertThat(file.getParent().resolve(service).resolve("Dockerfile")).as(service).doesNotExist();
        }
    }

    @Test
    void shouldTakeSecretsOnlyFromTheEnvironment() {
        for (String service : compose.services().keySet()) {
            compose.environment(service).forEach((key, value) -> {
                if (key.matches(".*(PASSWORD|SECRET|TOKEN).*")) {
                    assertThat(value).as(service + " " + key).startsWith("${");
                }
            });
        }
    }

    @Test
    void shouldRecogniseEnvironmentKeysByRelaxedBinding() {
        assertThat(ComposeFile.envPattern("failback.vcenter.vcenters[*].max-concurrent-operations").matcher(
                "FAILBACK_VCENTER_VCENTERS_0_MAXCONCURRENTOPERATIONS").matches()).isTrue();
        assertThat(ComposeFile.envPattern("spring.kafka.properties.*").matcher("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM").matches()).isTrue();
        assertThat(ComposeFile.envPattern("spring.kafka.bootstrap-servers").matcher("SPRING_KAFKA_BOOTSTRAP_SERVER").matches()).isFalse();
        assertThat(ComposeFile.bootMetadataProperties()).as("Spring Boot's own metadata on the classpath").contains("spring.application.name");
    }
}
