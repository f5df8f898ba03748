package io.failback.schemas;

import io.failback.messages.FailbackRequest;
import io.failback.state.StoredJob;
import io.failback.state.StoredVmJob;
import org.apache.avro.util.ClassSecurityValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
