package io.failback.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 loads generated classes by name only from trusted packages; this adds the package of the
 * failback messages to whatever the JVM already trusts. Called by every entry point of this module.
 */
public final class TrustedMessages {

    public static final String PACKAGE = "io.failback.messages";

    static {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                type -> PACKAGE.equals(type.getPackageName())));
    }

    private TrustedMessages() {
    }

    /** Makes sure the static initialiser has run; cheap to call many times. */
    public static void ensureTrusted() {
        // the work happens once, in the static initialiser
    }
}
