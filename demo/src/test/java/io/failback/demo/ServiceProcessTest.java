package io.failback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service process that ends is reported with its exit status and the tail of its log, not waited for. */
class ServiceProcessTest {

    @TempDir
    Path dir;

    @Test
    void shouldReportAServiceThatEndedWithItsStatusAndLog() throws Exception {
        Path notAJar = Files.writeString(dir.resolve("broken-service-0.1.0.jar"), "not a jar");

        try (ServiceProcess service = ServiceProcess.start("broken-service", notAJar, Map.of(), dir.resolve("logs"))) {
            assertThatThrownBy(() -> service.awaitStarted(Duration.ofSeconds(60)))
                    .hasMessageStartingWith("broken-service exited with 1:")
                    .hasMessageContaining("Invalid or corrupt jarfile");
            assertThat(service.isAlive()).isFalse();
            assertThat(service.exitReport()).hasValueSatisfying(report -> assertThat(report)
                    .startsWith("broken-service exited with 1:").contains("Invalid or corrupt jarfile"));
        }
    }
}
