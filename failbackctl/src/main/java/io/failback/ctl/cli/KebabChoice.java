package io.failback.ctl.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;

import io.failback.messages.CommitPolicyKind;
import io.failback.messages.RecoveryPointKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Enum options written the way operators type them: {@code latest-app-consistent} for
 * {@code LATEST_APP_CONSISTENT} (the enum's own spelling is accepted too).
 */
public abstract class KebabChoice<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {

    private final Class<E> type;

    protected KebabChoice(Class<E> type) {
        this.type = type;
    }

    public static String kebab(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public E convert(String text) {
        String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E value : type.getEnumConstants()) {
            if (value.name().equals(wanted)) {
                return value;
            }
        }
        throw new TypeConversionException("expected one of " + String.join(", ", this) + " (got '" + text + "')");
    }

    /** The accepted spellings, for picocli's completion candidates and help. */
    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(type.getEnumConstants()).map(KebabChoice::kebab).collect(Collectors.toList()).iterator();
    }

    /** latest | latest-app-consistent */
    public static final class RecoveryPoints extends KebabChoice<RecoveryPointKind> {
        public RecoveryPoints() {
            super(RecoveryPointKind.class);
        }
    }

    /** manual | auto-commit | auto-rollback */
    public static final class CommitPolicies extends KebabChoice<CommitPolicyKind> {
        public CommitPolicies() {
            super(CommitPolicyKind.class);
        }
    }
}
