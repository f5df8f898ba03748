package io.failback.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.failback.schemas.Acls;
import io.failback.schemas.Acls.Principal;
import io.failback.schemas.Topics;
import org.junit.jupiter.api.Test;

/** The compose file for a real deployment parses and says what the code says (it can't run here: no Docker engine): the topic and ACL catalogs, mutual TLS everywhere. */
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
    void shouldGrantExactlyTheAclCatalogAfterCreatingTheTopics() {
        String script = String.valueOf(compose.service("kafka-topics").get("command"));
        List<String> granted = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*acl (\\S+ \\S+ \\S+ \\S+ \\S+)\\s*$").matcher(script.replace("\\n", "\n").replace(", ", "\n"));
        while (m.find()) {
            granted.add(m.group(1));
        }
        assertThat(granted).containsExactlyElementsOf(Acls.GRANTS.stream().map(ComposeFileTest::aclLine).toList());
        assertThat(script.indexOf("acl orchestrator")).as("ACLs after the topics").isGreaterThan(script.lastIndexOf("create failback."));
    }

    @Test
    void shouldSecureEveryListenerAndEveryServicesKafkaClientWithItsOwnCertificate() {
        Map<String, String> kafka = compose.environment("kafka");
        assertThat(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).isEqualTo("CONTROLLER:SSL,CLIENTS:SSL");
        assertThat(kafka).containsEntry("KAFKA_SSL_CLIENT_AUTH", "required")
                .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_SUPER_USERS", "User:broker;User:admin")
                .doesNotContainKey("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND");
        Map<String, Principal> principals = Map.of("orchestrator-service", Principal.ORCHESTRATOR, "vcenter-agent", Principal.VCENTER_AGENT,
                "azure-agent", Principal.AZURE_AGENT, "dashboard", Principal.DASHBOARD, "kafka", Principal.BROKER, "kafka-topics", Principal.ADMIN);
        principals.forEach((service, principal) -> {
            if (!service.startsWith("kafka")) {
                assertThat(compose.environment(service)).as(service).containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SSL")
                        .containsEntry("SPRING_KAFKA_SSL_KEY_STORE_LOCATION", "file:/etc/failback/kafka/keystore.p12");
            }
            assertThat(String.valueOf(compose.service(service).get("volumes"))).as(service)
                    .contains("source=kafka-certs").contains("subpath=" + principal.cn() + "}");
        });
    }

    /** A grant as the compose file's {@code acl} line writes it: principal, operations, resource type, pattern type, names. */
    private static String aclLine(Acls.Grant g) {
        return g.principal().cn() + " "
                + g.operations().stream().sorted().map(o -> o.name().charAt(0) + o.name().substring(1).toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(","))
                + " " + g.type().name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + g.pattern().name().toLowerCase(Locale.ROOT)
                + " " + String.join(",", g.names());
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
                    // a variable of the environment, or (the broker's store passwords) a Kafka file config provider's reference
                    assertThat(value).as(service + " " + key).matches("\\$\\{.*|\\$\\$\\{file:.*");
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
