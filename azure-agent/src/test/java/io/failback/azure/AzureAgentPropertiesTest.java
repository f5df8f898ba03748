package io.failback.azure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AzureAgentPropertiesTest {

    private static AzureAgentProperties properties(URI arm, AzureAgentProperties.CredentialMode mode, String token) {
        return new AzureAgentProperties("sub-1", null, arm, URI.create("https://login.microsoftonline.com/"),
                "https://management.azure.com/.default", mode, token,
                new AzureAgentProperties.Truststore(Path.of("/tmp/trust.p12"), "truststore-secret", "PKCS12"), 4, true, true,
                new AzureAgentProperties.Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofSeconds(5),
                Duration.ofMinutes(8));
    }

    @Test
    void shouldRefuseAStaticTokenAgainstAzuresOwnEndpoint() {
        assertThatThrownBy(() -> properties(URI.create("https://management.azure.com/"),
                AzureAgentProperties.CredentialMode.STATIC_TOKEN, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("emulator only");
    }

    @Test
    void shouldRefusePlainHttpAndAStaticModeWithoutToken() {
        assertThatThrownBy(() -> properties(URI.create("http://127.0.0.1:8443"), AzureAgentProperties.CredentialMode.DEFAULT, null))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> properties(URI.create("https://127.0.0.1:8443"), AzureAgentProperties.CredentialMode.STATIC_TOKEN, " "))
                .hasMessageContaining("static-token is required");
    }

    @Test
    void shouldKeepTheTokenAndTruststorePasswordOutOfItsDescription() {
        AzureAgentProperties p = properties(URI.create("https://127.0.0.1:8443"), AzureAgentProperties.CredentialMode.STATIC_TOKEN,
                "very-secret-token");

        assertThat(p.toString()).contains("https://127.0.0.1:8443", "STATIC_TOKEN", "/tmp/trust.p12")
                .doesNotContain("very-secret-token").doesNotContain("truststore-secret");
    }
}
