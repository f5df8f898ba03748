package io.failback.orchestrator.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the saga a pure core: no class compiled into its package refers to Kafka, Spring or a serde.
 * A class file names every type it uses in its constant pool, so reading those names is enough.
 */
class PureCoreTest {

    private static final List<String> FORBIDDEN = List.of("org/apache/kafka/", "org/springframework/",
            "io/failback/schemas/AvroSerde", "com/fasterxml/jackson/", "tools/jackson/");

    @Test
    void shouldKeepTheSagaPackageFreeOfKafkaSpringAndSerdes() throws IOException, URISyntaxException {
        // given every class compiled into the saga package
        Path classes = Path.of(Orchestrator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path saga = classes.resolve(Orchestrator.class.getPackageName().replace('.', '/'));
        List<Path> classFiles;
        try (Stream<Path> files = Files.list(saga)) {
            classFiles = files.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(classFiles).extracting(p -> p.getFileName().toString())
                .contains("Orchestrator.class", "VmSaga.class", "JobSaga.class", "Procedure.class");

        // when the names each one refers to are read
        // then none names a messaging, framework or serialization type
        for (Path file : classFiles) {
            String pool = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(FORBIDDEN).as("types referred to by %s", file.getFileName()).noneMatch(pool::contains);
        }
    }
}
