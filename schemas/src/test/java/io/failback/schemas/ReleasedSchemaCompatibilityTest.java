package io.failback.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;

import io.failback.messages.ControlCommand;
import io.failback.schemas.fuzz.RecordFuzzer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

        // an old reader can't read the symbols announced as added since (it dead-letters those values), nothing else
        List<String> problems = new ArrayList<>(SchemaCompatibility.problems(released.schema(), current).stream()
                .filter(p -> p.startsWith("current reading released data")).toList());
        problems.addAll(SchemaCompatibility.problems(released.schema(), withoutAnnouncedSymbols(current)).stream()
                .filter(p -> p.startsWith("released reading current data")).toList());

        assertThat(problems).isEmpty();
    }

    /** Enum symbols added on purpose after a released version that declared no enum default. */
    static Set<String> announcedSymbols() {
        try (InputStream in = ReleasedSchemaCompatibilityTest.class.getResourceAsStream("/announced-enum-symbols.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code schema} as it was before the announced symbols were added to its enums. */
    static Schema withoutAnnouncedSymbols(Schema schema) {
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode tree = json.readTree(schema.toString());
            strip(tree, announcedSymbols());
            return new Schema.Parser().parse(json.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void strip(JsonNode node, Set<String> announced) {
        if (node instanceof ObjectNode object && "enum".equals(object.path("type").asText())) {
            ArrayNode kept = object.putArray("symbols-kept");
            object.get("symbols").forEach(sym -> {
                if (!announced.contains(sym.asText())) {
                    kept.add(sym);
                }
            });
            object.set("symbols", kept);
            object.remove("symbols-kept");
        }
        node.forEach(child -> strip(child, announced));
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
    void shouldStillReportAnEnumSymbolAddedWithoutAnnouncingIt() throws IOException {
        Schema released;
        try (InputStream in = getClass().getResourceAsStream("/released/io.failback.messages.ControlCommand/v1.avsc")) {
            released = new Schema.Parser().parse(in);
        }
        Schema current = new Schema.Parser().parse(ControlCommand.getClassSchema().toString()
                .replace("\"RETRY\"]", "\"RETRY\",\"PURGE\"]"));

        List<String> problems = SchemaCompatibility.problems(released, withoutAnnouncedSymbols(current));

        assertThat(problems).anyMatch(p -> p.startsWith("released reading current data") && p.contains("PURGE"));
        assertThat(SchemaCompatibility.problems(released, withoutAnnouncedSymbols(ControlCommand.getClassSchema()))).isEmpty();
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
