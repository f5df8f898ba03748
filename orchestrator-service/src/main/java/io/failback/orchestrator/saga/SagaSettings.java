package io.failback.orchestrator.saga;

import java.time.Duration;

/**
 * The limits the saga works within: how long each kind of command may take, how often it is sent
 * again, how fresh a configuration-server heartbeat must be and how long reprotect keeps trying.
 *
 * @param finalPointTimeout how long an AFTER_SHUTDOWN failback waits for the engine's final point after the
 *                          Azure VM's shutdown before it fails the VM (and starts the Azure VM again)
 */
public record SagaSettings(Duration vcenterStepTimeout, Duration azureStepTimeout, Duration replicationStepTimeout,
                           int maxAttempts, Duration heartbeatMaxAge, Duration reprotectWindow,
                           Duration reprotectInitialBackoff, Duration reprotectMaxBackoff, Duration finalPointTimeout) {

    public static SagaSettings defaults() {
        return new SagaSettings(Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(2), 3,
                Duration.ofMinutes(5), Duration.ofMinutes(20), Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(10));
    }
}
