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
        Matcher m = Pattern.compile("(?m)^\\s*create (\\S+) (\\d+) (\\S+) (\\d+) (\\S+)\\s*$").matcher(script.replace("\\n", "\n").replace(", ", "\n"));
        while (m.find()) {
            created.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5));
        }
        assertThat(created).containsExactlyElementsOf(Topics.ALL.stream()
                .map(t -> t.name() + " " + t.partitions() + " " + t.cleanupPolicy().configValue() + " " + t.maxMessageBytes()
                        + " " + t.compression()).collect(Collectors.toList()));
        for (String service : List.of("orchestrator-service", "vcenter-agent", "azure-agent")) {
            assertThat(String.valueOf(compose.service(service).get("depends_on")))
                    .as(service).contains("kafka-topics").contains("service_completed_successfully");
        }
    }

    @Test
    void shouldBuildEachServiceFromItsOwnDockerfile() throws Exception {
        for (String service : List.of("orchestrator-service", "vcenter-agent", "azure-agent")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) compose.service(service).get("build");
            Path dockerfile = file.getParent().resolve(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile")));
            assertThat(dockerfile).as(service).exists();
            String text = Files.readString(dockerfile);
            assertThat(text).as(service).contains("-pl " + service).contains(service + ".jar").doesNotContain(":latest");
            assertThat(Pattern.compile("(?m)^FROM \\S+:\\d[^\\s]*").matcher(text).results().count()).as(service + " pinned FROM lines").isEqualTo(2);
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
