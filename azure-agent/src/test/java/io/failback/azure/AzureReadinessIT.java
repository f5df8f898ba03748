package io.failback.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.failback.agent.PeerHealth;
import io.failback.azure.arm.ArmCheck;
import io.failback.sandbox.arm.ArmEmulator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * The azure-agent's readiness contributor against the ARM emulator over HTTPS: UP with a token ARM accepts,
 * DOWN with one it refuses, and DOWN once ARM can't be reached.
 */
class AzureReadinessIT {

    @Test
    void shouldBeReadyWithATokenArmAcceptsAndNotWhenArmRefusesItOrIsGone() throws Exception {
        // given the emulator, and the agent's check with the token it expects, and with another
        ArmEmulator arm = AgentFixtures.startEmulator();
        PeerHealth accepted = new PeerHealth("arm", new ArmCheck(AgentFixtures.properties(arm, AgentFixtures.TOKEN, 0,
                Duration.ofSeconds(10)))::run, Duration.ofMillis(300), Duration.ofSeconds(10));
        PeerHealth refused = new PeerHealth("arm", new ArmCheck(AgentFixtures.properties(arm, "not-the-token", 0,
                Duration.ofSeconds(10)))::run, Duration.ofMillis(300), Duration.ofSeconds(10));
        try {
            // then the first is ready, naming what it checked, and the second is not, naming ARM's answer
            await("ready").atMost(Duration.ofSeconds(30)).until(() -> accepted.health().getStatus().equals(Status.UP));
            assertThat(accepted.health().getDetails()).containsEntry("token", "obtained")
                    .hasEntrySatisfying("arm", answer -> assertThat(answer.toString()).contains("answered"));
            await("refused").atMost(Duration.ofSeconds(30)).until(() -> refused.health().getDetails().containsKey("error"));
            assertThat(refused.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(refused.health().getDetails().get("error").toString()).contains("answered 401");

            // when ARM goes away
            arm.close();

            // then the first is not ready any more
            await("not ready").atMost(Duration.ofSeconds(60)).until(() -> accepted.health().getStatus().equals(Status.DOWN));
        } finally {
            accepted.destroy();
            refused.destroy();
            arm.close();
        }
    }
}
