package io.failback.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator runs in the bench with the JVM flags the Dockerfile runs it with. */
class JvmFlagsTest {

    @TempDir
    Path dir;

    @Test
    void shouldTakeTheFlagsBetweenJavaAndJarFromTheEntrypoint() throws Exception {
        // given a Dockerfile whose exec-form ENTRYPOINT runs java with two flags
        Path dockerfile = Files.writeString(dir.resolve("Dockerfile"), "FROM x\n"
                + "ENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=75\", \"-XX:MaxInlineLevel=9\", \"-jar\", \"/opt/service.jar\"]\n");

        // when / then
        assertThat(JvmProcess.dockerfileFlags(dockerfile)).containsExactly("-XX:MaxRAMPercentage=75", "-XX:MaxInlineLevel=9");
    }

    @Test
    void shouldReadTheProjectsOwnDockerfile() {
        assertThat(JvmProcess.dockerfileFlags(Path.of("..", "Dockerfile"))).contains("-XX:MaxRAMPercentage=75");
    }

    @Test
    void shouldRefuseADockerfileThatDoesNotRunJavaWithAJar() throws Exception {
        Path dockerfile = Files.writeString(dir.resolve("Dockerfile"), "FROM x\nENTRYPOINT [\"/bin/sh\", \"-c\", \"run\"]\n");

        assertThatThrownBy(() -> JvmProcess.dockerfileFlags(dockerfile)).hasMessageContaining("does not run java");
    }
}
