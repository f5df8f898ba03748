package io.failback.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The dashboard's settings ({@code failback.dashboard.*}): page sizes, how often live pages hear of changes,
 * how long a read of the audit or a control command may take, and the operator key the dashboard signs control
 * commands with ({@code signing-operator}, {@code signing-key-file}).
 * <p>
 * The dashboard has no login, so whoever reaches it acts as that one operator: the roster gives it only the roles
 * anyone who can open the dashboard may use. Without a key it sends nothing and shows the failbackctl command,
 * signed by the operator's own key, instead.
 */
@ConfigurationProperties("failback.dashboard")
public record DashboardProperties(int vmPageSize, int jobPageSize, int auditPageSize, Duration liveTick, Duration keepAlive,
                                  Duration auditTimeout, Duration controlTimeout, String signingOperator,
                                  java.nio.file.Path signingKeyFile) {

    /** True when the dashboard has an operator key to sign control commands with. */
    public boolean signs() {
        return signingKeyFile != null;
    }

    public DashboardProperties {
        vmPageSize = vmPageSize > 0 ? vmPageSize : 100;
        jobPageSize = jobPageSize > 0 ? jobPageSize : 50;
        auditPageSize = auditPageSize > 0 ? auditPageSize : 200;
        liveTick = liveTick != null ? liveTick : Duration.ofMillis(300);
        keepAlive = keepAlive != null ? keepAlive : Duration.ofSeconds(15);
        auditTimeout = auditTimeout != null ? auditTimeout : Duration.ofSeconds(30);
        controlTimeout = controlTimeout != null ? controlTimeout : Duration.ofSeconds(10);
    }
}
