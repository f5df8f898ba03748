package io.failback.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How this agent instance takes part in the command topic's consumer group ({@code failback.agent.*}): its
 * stable name for static membership, how many answered commands it remembers and in how many bytes, and how
 * long it retries a command it could not finish before dead-lettering it. Meanings and defaults: application.yml.
 */
@ConfigurationProperties("failback.agent")
public record AgentProperties(String instanceId, @DefaultValue("10000") int rememberedCommands,
                              @DefaultValue("64MB") DataSize rememberedSize, @DefaultValue Retry retry) {

    /** What Kafka accepts as a group.instance.id, which the instance id becomes. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    /** The bounded back-off for a command whose result (or anything else after reading it) failed. */
    public record Retry(@DefaultValue("1s") Duration initialDelay, @DefaultValue("10s") Duration maxDelay,
                        @DefaultValue("60s") Duration giveUpAfter) {

        public Retry {
            if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0
                    || giveUpAfter.isNegative()) {
                throw new IllegalArgumentException("failback.agent.retry needs 0 < initial-delay <= max-delay and give-up-after >= 0");
            }
        }
    }

    public AgentProperties {
        if (instanceId != null && !instanceId.isBlank() && !INSTANCE_ID.matcher(instanceId.strip()).matches()) {
            throw new IllegalArgumentException("failback.agent.instance-id must be 1 to 200 of A-Z a-z 0-9 . _ - (got \""
                    + io.failback.schemas.LogSafe.of(instanceId) + "\")");
        }
        if (rememberedCommands < 0 || rememberedSize.isNegative()) {
            throw new IllegalArgumentException("failback.agent.remembered-commands and remembered-size must not be negative");
        }
    }

    /** The instance id, or empty when unset or blank (compose passes an unset variable as an empty string). */
    public Optional<String> instance() {
        return instanceId == null || instanceId.isBlank() ? Optional.empty() : Optional.of(instanceId.strip());
    }
}
