package io.failback.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

import io.failback.orchestrator.saga.SagaSettings;
import io.failback.orchestrator.saga.Signing;
import io.failback.schemas.signing.Roster;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The orchestrator's limits ({@code failback.orchestrator.*}): how long each kind of command may take
 * before it is sent again, how many times, how fresh a configuration-server heartbeat must be, the
 * reprotect retry window, how often due timers are looked at, and how long an ended job's VM records are kept.
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
        @DefaultValue("10m") Duration finalPointTimeout,
        @DefaultValue("7d") Duration endedJobRetention,
        @DefaultValue SigningProperties signing) {

    /**
     * {@code failback.orchestrator.signing.*}: signatures are required unless {@code require-signatures=false} (the
     * explicit unsigned local mode); the roster file (README, "Operators, roster and keys") and the skew allowed
     * between a signature's time and the orchestrator's clock, which is also how long a replay could verify.
     */
    public record SigningProperties(@DefaultValue("true") boolean requireSignatures, Path rosterFile,
                                    @DefaultValue("5m") Duration maxSkew) {

        /** Reads the roster; a missing roster, or one with a line that can't be read, stops the start with the reason. */
        public Signing toSigning() {
            if (!requireSignatures) {
                return new Signing(false, null, maxSkew);
            }
            if (rosterFile == null) {
                throw new IllegalArgumentException("failback.orchestrator.signing.roster-file is not set: give the roster of operators"
                        + " (or, for a local run only, failback.orchestrator.signing.require-signatures=false)");
            }
            try {
                return new Signing(true, Roster.load(rosterFile), maxSkew);
            } catch (IOException e) {
                throw new UncheckedIOException("failback.orchestrator.signing.roster-file " + rosterFile + " can't be read", e);
            }
        }
    }

    public OrchestratorProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("failback.orchestrator.max-attempts must be at least 1 (got " + maxAttempts + ")");
        }
        if (endedJobRetention.isNegative()) {
            throw new IllegalArgumentException("failback.orchestrator.ended-job-retention must not be negative (got " + endedJobRetention + ")");
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
