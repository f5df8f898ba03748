package io.failback.orchestrator.saga;

import java.time.Duration;

import io.failback.schemas.signing.Roster;

/**
 * Whether requests and control commands must be signed, by whom (the roster, with its plan rules and four-eyes
 * plans) and within what skew. {@link #unsigned()} is the explicit local mode: {@code requestedBy} is then taken
 * as written and no plan rule applies.
 */
public record Signing(boolean required, Roster roster, Duration maxSkew) {

    public Signing {
        if (required && roster == null) {
            throw new IllegalArgumentException("signatures are required but no roster is given");
        }
        roster = required ? roster : Roster.empty();
    }

    public static Signing unsigned() {
        return new Signing(false, Roster.empty(), Duration.ofMinutes(5));
    }
}
