package io.failback.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import io.failback.messages.ControlCommand;
import io.failback.schemas.fuzz.RecordFuzzer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build-time stand-in for a schema registry: it fails the build when a schema change breaks a
 * released version, or when a changed schema was not released (its fingerprint would be unreadable).
 * It covers the topic values and the orchestrator's stored state, which a restarted or upgraded
 * orchestrator reads back the same way.
 */
class ReleasedSchemaCompatibilityTest {

    static List<ReleasedSchemas.Version> releasedVersions() {
        return ReleasedSchemas.get().names().stream().flatMap(n -> ReleasedSchemas.get().versionsOf(n).stream()).toList();
    }

    static List<Class<? extends SpecificRecord>> writtenTypes() {
        return RecordFuzzer.writtenTypes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedVersions")
    void shouldReadAndBeReadByEveryReleasedVersion(ReleasedSchemas.Version released) throws ClassNotFoundException {
        Schema current = SpecificData.get().getSchema(Class.forName(released.fullName()));

        assertThat(SchemaCompatibility.problems(released.schema(), current))
                .filteredOn(p -> !(readersFirstSince(released) && p.startsWith("released reading current data")
                        && (p.contains("MISSING_ENUM_SYMBOLS") || p.contains("MISSING_UNION_BRANCH"))))
                .isEmpty();
    }

    /**
     * Whether a later version of the same record was released readers-first: the new symbols and union
     * branches it added are the one thing this released reader may not read (its readers are upgraded first).
     */
    private static boolean readersFirstSince(ReleasedSchemas.Version released) {
        return ReleasedSchemas.get().versionsOf(released.fullName()).stream()
                .anyMatch(v -> v.version() > released.version() && v.readersFirst());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writtenTypes")
    void shouldHaveReleasedTheCurrentSchemaOfEveryTopicValueAndStoredState(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);
        long fingerprint = SchemaNormalization.parsingFingerprint64(current);

        assertThat(ReleasedSchemas.get().versionsOf(current.getFullName()))
                .as("the current %s schema must be saved as the next released/%s/vN.avsc and listed in %s",
                        current.getName(), current.getFullName(), ReleasedSchemas.INDEX)
                .anyMatch(v -> v.fingerprint() == fingerprint);
    }

    @Test
    void shouldReportADeliberatelyIncompatibleSchema() throws IOException {
        Schema incompatible;
        try (InputStream in = getClass().getResourceAsStream("/incompatible/ControlCommand-required-field.avsc")) {
            incompatible = new Schema.Parser().parse(in);
        }

        List<String> problems = SchemaCompatibility.problems(incompatible, ControlCommand.getClassSchema());

        // An old reader would need a value for "ticket" that new writers don't send, and can't read CANCEL.
        assertThat(problems).isNotEmpty()
                .allMatch(p -> p.startsWith("released reading current data"))
                .anyMatch(p -> p.contains("READER_FIELD_MISSING_DEFAULT_VALUE") && p.contains("ticket"))
                .anyMatch(p -> p.contains("MISSING_ENUM_SYMBOLS") && p.contains("CANCEL"));
    }
}
