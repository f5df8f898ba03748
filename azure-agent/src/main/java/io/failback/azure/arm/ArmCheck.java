package io.failback.azure.arm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import io.failback.azure.AzureAgentProperties;

/**
 * The azure-agent's readiness check: a token for ARM's scope can be obtained, and ARM answers a read of the
 * subscription with it (any answer but 401, 403 or a 5xx: the emulator may not serve the subscription itself).
 */
public final class ArmCheck {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AzureAgentProperties properties;
    private final TokenCredential credential;
    private final HttpClient http;

    public ArmCheck(AzureAgentProperties properties) {
        this.properties = properties;
        this.credential = ArmClients.credential(properties);
        this.http = ArmClients.httpClient(properties);
    }

    public Map<String, Object> run() {
        AccessToken token = credential.getToken(new TokenRequestContext().addScopes(properties.tokenScope())).block(WAIT);
        if (token == null) {
            throw new IllegalStateException("no token for " + properties.tokenScope());
        }
        String url = properties.armEndpoint().resolve("subscriptions/" + properties.subscriptionId() + "?api-version=2022-12-01").toString();
        HttpRequest read = new HttpRequest(HttpMethod.GET, url).setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + token.getToken());
        try (HttpResponse answer = http.send(read).block(WAIT)) {
            int status = answer == null ? 0 : answer.getStatusCode();
            if (status == 0 || status == 401 || status == 403 || status >= 500) {
                throw new IllegalStateException("ARM at " + properties.armEndpoint() + " answered " + status);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("token", "obtained");
            details.put("arm", properties.armEndpoint() + " answered " + status);
            return details;
        }
    }
}
