package io.failback.schemas;

import io.failback.messages.FailbackRequest;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredVmJob;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a service trusts Avro to instantiate at run time, where no test JVM property helps. */
class TrustedMessagesTest {

    @Test
    void shouldTrustTheStoredStateAsWellAsTheMessagesInARunningServiceWithoutAnyJvmProperty() {
        // given a service that set no org.apache.avro.SERIALIZABLE_PACKAGES (only the test JVM does)
        // when it trusts this module's classes
        TrustedMessages.ensureTrusted();

        // then what it adds covers the orchestrator's stored state and the messages, and nothing else
        assertThat(TrustedMessages.isGenerated(StoredJob.class)).isTrue();
        assertThat(TrustedMessages.isGenerated(StoredVmJob.class)).isTrue();
        assertThat(TrustedMessages.isGenerated(FailbackRequest.class)).isTrue();
        assertThat(TrustedMessages.isGenerated(java.io.File.class)).isFalse();
        assertThat(TrustedMessages.isGenerated(TrustedMessages.class)).isFalse();
        assertThat(ClassSecurityValidator.getGlobal().isTrusted(StoredJob.class)).isTrue();
    }

    @Test
    void shouldHaveTheStoredStateTrustedByTheTestJvmPropertyTheBuildSets() {
        // given the packages the build's test configuration trusts, read by Avro as prefixes
        String trusted = System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES");

        // then the stored state's classes fall under them, so a test may build them before any serde exists
        assertThat(trusted).isNotNull();
        assertThat(java.util.Arrays.stream(trusted.split(",")))
                .anyMatch(p -> StoredVmJob.class.getName().startsWith(p.strip() + "."));
    }
}
