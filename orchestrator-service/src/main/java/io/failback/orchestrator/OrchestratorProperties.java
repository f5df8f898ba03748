package io.failback.orchestrator;

import java.time.Duration;

import io.failback.orchestrator.saga.SagaSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The orchestrator's limits ({@code failback.orchestrator.*}): how long each kind of command may take
 * before it is sent again, how many times, how fresh a configuration-server heartbeat must be, the
 * reprotect retry window, and how often due timers are looked at.
 */
@ConfigurationProperties("failback.orchestrator")
public record OrchestratorProperties(
        @DefaultValue("1s") Duration timerTick,
        @DefaultValue("2m") Duration vcenterStepTimeout,
        @DefaultValue("10m") Duration azureStepTimeout,
        @DefaultValue("2m") Duration replicationStepTimeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("5m") Duration heartbeatMaxAge,
        @DefaultValue("20m") Duration reprotectWindow,
        @DefaultValue("15s") Duration reprotectInitialBackoff,
        @DefaultValue("2m") Duration reprotectMaxBackoff,
        @DefaultValue("10m") Duration finalPointTimeout) {

    public OrchestratorProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("failback.orchestrator.max-attempts must be at least 1 (got " + maxAttempts + ")");
        }
        if (timerTick.isZero() || timerTick.isNegative()) {
            throw new IllegalArgumentException("failback.orchestrator.timer-tick must be positive (got " + timerTick + ")");
        }
    }

    public SagaSettings sagaSettings() {
        return new SagaSettings(vcenterStepTimeout, azureStepTimeout, replicationStepTimeout, maxAttempts, heartbeatMaxAge,
                reprotectWindow, reprotectInitialBackoff, reprotectMaxBackoff, finalPointTimeout);
    }
}
