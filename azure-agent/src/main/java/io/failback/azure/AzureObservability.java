package io.failback.azure;

import java.time.Duration;

import io.failback.agent.HttpPortLog;
import io.failback.agent.PeerHealth;
import io.failback.azure.arm.ArmCheck;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The azure-agent's readiness: a token can be obtained and ARM answers with it, checked when a probe asks. */
@Configuration(proxyBeanMethods = false)
@Import(HttpPortLog.class)
public class AzureObservability {

    /** The readiness contributor {@code arm}. */
    @Bean
    PeerHealth armHealthIndicator(AzureAgentProperties properties,
                                      @Value("${failback.health.interval:10s}") Duration reuseFor,
                                      @Value("${failback.health.patience:30s}") Duration patience) {
        ArmCheck check = new ArmCheck(properties);
        return new PeerHealth("arm", check::run, reuseFor, patience);
    }
}
