package io.failback.schemas;

import java.util.Set;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 loads generated classes by name only from trusted packages; this adds the packages of the
 * failback messages and of the orchestrator's stored state to whatever the JVM already trusts. Called by
 * every entry point of this module.
 */
public final class TrustedMessages {

    public static final String PACKAGE = "io.failback.messages";

    /**
     * The orchestrator's stored state (state.avdl), read back from its stores by the same serde. Below the
     * messages' package so that a JVM property trusting {@code io.failback.messages} (as the build's tests
     * set) covers it too: Avro reads a package there as a prefix.
     */
    public static final String STATE_PACKAGE = "io.failback.messages.state";

    private static final Set<String> PACKAGES = Set.of(PACKAGE, STATE_PACKAGE);

    static {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, TrustedMessages::isGenerated));
    }

    private TrustedMessages() {
    }

    /** Makes sure the static initialiser has run; cheap to call many times. */
    public static void ensureTrusted() {
        // the work happens once, in the static initialiser
    }

    /** Whether {@code type} is one of the classes generated from this module's schemas. */
    static boolean isGenerated(Class<?> type) {
        return PACKAGES.contains(type.getPackageName());
    }
}
