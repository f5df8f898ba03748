package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.failback.messages.JobState;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.streams.ExitOnStreamsError;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An orchestrator whose Kafka Streams client fails beyond repair does not idle: here a source topic is
 * deleted under it (an operator's slip), the client goes to ERROR, and the process exits with 70 so that
 * its supervisor restarts it, with the reason in its log.
 */
class OrchestratorExitIT {

    @RegisterExtension
    static final OrchestratorEnvironment env = new OrchestratorEnvironment();

    @Test
    void shouldExitWithSeventyWhenItsStreamsClientFails() throws Exception {
        Process orchestrator = env.harness().startOrchestrator("exit");
        Path log = env.work().resolve("exit.log");
        // running: it answers a request
        env.harness().request(Estate.request("job-before", "vm-unknown").setRequestedAt(Instant.now()).build());
        await().atMost(Duration.ofMinutes(2)).until(() -> env.harness().jobState("job-before") == JobState.REJECTED);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()))) {
            admin.deleteTopics(List.of(Topics.CONTROL.name())).all().get(30, TimeUnit.SECONDS);
        }

        assertThat(orchestrator.waitFor(2, TimeUnit.MINUTES)).as("the orchestrator exits").isTrue();
        assertThat(orchestrator.exitValue()).isEqualTo(ExitOnStreamsError.EXIT_CODE);
        // the handler's line comes before the exit starts; the state listener's may race the exit
        assertThat(Files.readString(log)).contains("a stream thread failed").contains(Topics.CONTROL.name());
    }
}
