package io.failback.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The dashboard's settings ({@code failback.dashboard.*}): page sizes, how often live pages hear of changes,
 * how long a read of the audit or a control command may take, and who a command is from when the form says nothing.
 */
@ConfigurationProperties("failback.dashboard")
public record DashboardProperties(int vmPageSize, int jobPageSize, int auditPageSize, Duration liveTick, Duration keepAlive,
                                  Duration auditTimeout, Duration controlTimeout, String defaultRequester) {

    public DashboardProperties {
        vmPageSize = vmPageSize > 0 ? vmPageSize : 100;
        jobPageSize = jobPageSize > 0 ? jobPageSize : 50;
        auditPageSize = auditPageSize > 0 ? auditPageSize : 200;
        liveTick = liveTick != null ? liveTick : Duration.ofMillis(300);
        keepAlive = keepAlive != null ? keepAlive : Duration.ofSeconds(15);
        auditTimeout = auditTimeout != null ? auditTimeout : Duration.ofSeconds(30);
        controlTimeout = controlTimeout != null ? controlTimeout : Duration.ofSeconds(10);
        defaultRequester = defaultRequester != null && !defaultRequester.isBlank() ? defaultRequester : "dashboard";
    }
}
