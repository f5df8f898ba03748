package io.failback.azure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Azure agent's settings ({@code failback.azure.*}): which subscription and endpoints it talks to,
 * how it authenticates, which certificates it trusts, how many operations it runs at once, what a
 * delete removes besides the VM, and how patiently it retries and polls. Every property is documented
 * in application.yml. {@link #toString()} leaves out the token and the truststore password.
 */
@ConfigurationProperties("failback.azure")
public record AzureAgentProperties(
        String subscriptionId,
        String tenantId,
        @DefaultValue("https://management.azure.com/") URI armEndpoint,
        @DefaultValue("https://login.microsoftonline.com/") URI authorityHost,
        @DefaultValue("https://management.azure.com/.default") String tokenScope,
        @DefaultValue("default") CredentialMode credential,
        String staticToken,
        @DefaultValue Truststore truststore,
        @DefaultValue("4") int maxConcurrentOps,
        @DefaultValue("true") boolean deleteDisks,
        @DefaultValue("true") boolean deleteNetworkInterfaces,
        @DefaultValue Retry retry,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("8m") Duration operationTimeout) {

    /** How the agent gets its ARM bearer token. */
    public enum CredentialMode {
        /** azure-identity's DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI... */
        DEFAULT,
        /** A fixed token from {@code static-token}: for the ARM emulator only, refused against Azure's own endpoints. */
        STATIC_TOKEN
    }

    /** The certificates the agent trusts for ARM; without a path, the JDK's default trust store. */
    public record Truststore(Path path, String password, @DefaultValue("PKCS12") String type) {

        @Override
        public String toString() {
            return "Truststore[path=" + path + ", type=" + type + "]";
        }
    }

    /** The SDK's retry policy: exponential back-off, overridden by ARM's Retry-After whenever it sends one. */
    public record Retry(@DefaultValue("6") int maxRetries, @DefaultValue("1s") Duration baseDelay,
                        @DefaultValue("60s") Duration maxDelay) {
    }

    private static final Set<String> AZURE_ARM_HOSTS = Set.of("management.azure.com", "management.chinacloudapi.cn",
            "management.usgovcloudapi.net", "management.microsoftazure.de");

    public AzureAgentProperties {
        if (subscriptionId == null || subscriptionId.isBlank()) {
            throw new IllegalArgumentException("failback.azure.subscription-id is required");
        }
        if (maxConcurrentOps < 1) {
            throw new IllegalArgumentException("failback.azure.max-concurrent-ops must be at least 1 (got " + maxConcurrentOps + ")");
        }
        if (!"https".equalsIgnoreCase(armEndpoint.getScheme())) {
            throw new IllegalArgumentException("failback.azure.arm-endpoint must be https (got " + armEndpoint + ")");
        }
        if (credential == CredentialMode.STATIC_TOKEN) {
            if (staticToken == null || staticToken.isBlank()) {
                throw new IllegalArgumentException("failback.azure.static-token is required with credential=static-token");
            }
            if (AZURE_ARM_HOSTS.contains(armEndpoint.getHost().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("failback.azure.credential=static-token is for the ARM emulator only, not "
                        + armEndpoint.getHost() + "; use credential=default against Azure");
            }
        }
        if (truststore.path() != null && truststore.password() == null) {
            throw new IllegalArgumentException("failback.azure.truststore.password is required with a truststore path");
        }
        if (retry.maxRetries() < 0) {
            throw new IllegalArgumentException("failback.azure.retry.max-retries must not be negative");
        }
    }

    @Override
    public String toString() {
        return "AzureAgentProperties[subscriptionId=" + subscriptionId + ", tenantId=" + tenantId + ", armEndpoint=" + armEndpoint
                + ", authorityHost=" + authorityHost + ", tokenScope=" + tokenScope + ", credential=" + credential
                + ", truststore=" + truststore + ", maxConcurrentOps=" + maxConcurrentOps + ", deleteDisks=" + deleteDisks
                + ", deleteNetworkInterfaces=" + deleteNetworkInterfaces + ", retry=" + retry + ", pollInterval=" + pollInterval
                + ", operationTimeout=" + operationTimeout + "]";
    }
}
