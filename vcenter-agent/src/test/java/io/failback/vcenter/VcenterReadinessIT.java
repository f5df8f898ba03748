package io.failback.vcenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.failback.agent.testing.CommandTopicDrill;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.Topics;
import io.failback.testsupport.InJvmKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The vcenter-agent as its monitoring sees it over HTTP: ready while it holds a session with its vCenter, not
 * ready while that vCenter hangs (frozen), ready again after the thaw; and its operations timed on the
 * Prometheus endpoint; with structured logging on, its lines about a command are JSON naming the command, job and VM.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.structured.format.console=ecs")
@ExtendWith(OutputCaptureExtension.class)
class VcenterReadinessIT {

    static EmbeddedKafkaKraftBroker broker;
    static Vcsim vcsim;
    static Path dir;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) throws Exception {
        broker = InJvmKafka.start();
        vcsim = Vcsim.builder().seedJson("""
                {"masterTargets": [{"name": "mt01", "powerState": "poweredOn", "disks": []}], "vms": []}
                """).start();
        dir = Files.createTempDirectory("vcenter-readiness-it");
        Path store = vcsim.writeTrustStore(dir.resolve("truststore.p12"), "changeit".toCharArray());
        registry.add("spring.kafka.bootstrap-servers", broker::getBrokersAsString);
        registry.add("failback.vcenter.vcenters[0].name", () -> "vc01");
        registry.add("failback.vcenter.vcenters[0].url", () -> vcsim.url().toString());
        registry.add("failback.vcenter.vcenters[0].username", vcsim::username);
        registry.add("failback.vcenter.vcenters[0].password", vcsim::password);
        registry.add("failback.vcenter.vcenters[0].truststore-path", store::toString);
        registry.add("failback.vcenter.vcenters[0].truststore-password", () -> "changeit");
        registry.add("failback.vcenter.vcenters[0].operation-timeout", () -> "20s");
        registry.add("failback.health.interval", () -> "500ms");
        registry.add("failback.health.patience", () -> "2s");
    }

    @AfterAll
    static void stop() {
        if (vcsim != null) {
            vcsim.thaw();
            vcsim.close();
        }
        if (broker != null) {
            broker.destroy();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(dir.toFile());
    }

    @Test
    void shouldBeReadyWithASessionNotWhileVcenterHangsAndReadyAgainAfter() throws Exception {
        // given a session with vc01
        await("ready").atMost(Duration.ofMinutes(1)).until(() -> get("health/readiness").statusCode() == 200);
        assertThat(get("health/readiness").body()).contains("\"vc01\":\"session ok\"");

        // when vCenter hangs
        vcsim.freeze();
        try {
            // then the agent is not ready, and says which vCenter, while it stays alive
            await("not ready").atMost(Duration.ofSeconds(30)).until(() -> get("health/readiness").statusCode() == 503);
            assertThat(get("health/readiness").body()).contains("\"status\":\"DOWN\"", "no answer for");
            assertThat(get("health/liveness").statusCode()).isEqualTo(200);
        } finally {
            vcsim.thaw();
        }

        // and once it answers again, ready again
        await("ready again").atMost(Duration.ofMinutes(1)).until(() -> get("health/readiness").statusCode() == 200);
    }

    @Test
    void shouldTimeEachOperationByItsTypeAndOutcomeAndLogItsIdsAsJson(CapturedOutput output) throws Exception {
        // given
        VcenterCommand check = Commands.checkConnection("vc01");
        try (CommandTopicDrill<VcenterCommand, VcenterResult> drill = new CommandTopicDrill<>(broker.getBrokersAsString(),
                "vcenter-agent", Topics.VCENTER_COMMANDS, Topics.VCENTER_EVENTS, Topics.VCENTER_COMMANDS_DLT,
                VcenterCommand::getCommandId, VcenterCommand::getVmId, VcenterResult::getCommandId)) {

            // when the agent answers a connection check, and the same command sent again (answered from memory, logged)
            drill.send(check);
            drill.send(check);
            await("both answers").atMost(Duration.ofMinutes(1)).until(() -> drill.committedResultsOf(check).size() == 2);
            assertThat(drill.committedResultsOf(check)).allSatisfy(r -> assertThat(r.getCode()).isEqualTo(VcenterResultCode.OK));
        }

        // then the line about the re-sent command is one JSON object carrying its ids
        assertThat(output.getOut().lines()).anySatisfy(l -> assertThat(l).startsWith("{").endsWith("}")
                .contains("was answered before", "\"commandId\":\"" + check.getCommandId() + "\"",
                        "\"jobId\":\"" + check.getJobId() + "\"", "\"vmId\":\"" + check.getVmId() + "\""));

        // then the scrape counts it under its operation and outcome
        String metrics = get("prometheus").body();
        assertThat(metrics.lines()).anySatisfy(l -> assertThat(l).startsWith("failback_agent_operation_seconds_count{")
                .contains("agent=\"vcenter-agent\"", "operation=\"CheckConnection\"", "outcome=\"OK\"").endsWith(" 1"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/" + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
