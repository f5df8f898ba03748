package io.failback.azure.arm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import io.failback.azure.AzureAgentProperties;
import reactor.core.publisher.Mono;

/**
 * Builds the Azure SDK clients from the agent's settings: the JDK HTTP client with the configured
 * truststore (TLS verification always on), the credential (DefaultAzureCredential, or a static token
 * for the emulator), the SDK's retry policy (exponential back-off that yields to ARM's Retry-After) and
 * an Azure environment whose resource manager endpoint is the configured one. HTTP logging stays off
 * so that no header, and so no token, is ever written.
 */
public final class ArmClients {

    private ArmClients() {
    }

    public static AzureVmOperations operations(AzureAgentProperties p) {
        ComputeManager compute = computeManager(p);
        return new AzureVmOperations(compute.serviceClient().getVirtualMachines(), compute.serviceClient().getDisks(),
                compute.networkManager().serviceClient().getNetworkInterfaces(), p.subscriptionId(), p.pollInterval(),
                p.operationTimeout());
    }

    public static ComputeManager computeManager(AzureAgentProperties p) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", p.armEndpoint().toString());
        endpoints.put("activeDirectoryEndpointUrl", p.authorityHost().toString());
        String tenant = p.tenantId() == null || p.tenantId().isBlank() ? null : p.tenantId();
        AzureProfile profile = new AzureProfile(tenant, p.subscriptionId(), new AzureEnvironment(endpoints));
        RetryOptions retry = new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(p.retry().maxRetries())
                .setBaseDelay(p.retry().baseDelay())
                .setMaxDelay(p.retry().maxDelay()));
        return ComputeManager.configure()
                .withHttpClient(httpClient(p))
                .withRetryOptions(retry)
                .withScope(p.tokenScope())
                .withLogLevel(HttpLogDetailLevel.NONE)
                .authenticate(credential(p), profile);
    }

    static TokenCredential credential(AzureAgentProperties p) {
        if (p.credential() == AzureAgentProperties.CredentialMode.STATIC_TOKEN) {
            String token = p.staticToken();
            return request -> Mono.just(new AccessToken(token, OffsetDateTime.now().plusHours(1)));
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().authorityHost(p.authorityHost().toString());
        if (p.tenantId() != null && !p.tenantId().isBlank()) {
            builder.tenantId(p.tenantId());
        }
        return builder.build();
    }

    static HttpClient httpClient(AzureAgentProperties p) {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder();
        if (p.truststore().path() != null) {
            jdk.sslContext(trusting(p.truststore()));
        }
        return new JdkHttpClientBuilder(jdk).connectionTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofSeconds(60)).build();
    }

    private static SSLContext trusting(AzureAgentProperties.Truststore truststore) {
        try {
            KeyStore store = KeyStore.getInstance(truststore.type());
            try (InputStream in = Files.newInputStream(truststore.path())) {
                store.load(in, truststore.password().toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the truststore " + truststore.path() + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
