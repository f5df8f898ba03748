package io.failback.vcenter;

import java.time.Duration;

import io.failback.agent.HttpPortLog;
import io.failback.agent.PeerHealth;
import io.failback.vcenter.vsphere.SessionCheck;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The vcenter-agent's readiness: a live session with every configured vCenter, checked when a probe asks. */
@Configuration(proxyBeanMethods = false)
@Import(HttpPortLog.class)
public class VcenterObservability {

    /** The readiness contributor {@code vcenters}. */
    @Bean
    PeerHealth vcentersHealthIndicator(VcenterClients vcenters,
                                           @Value("${failback.health.interval:10s}") Duration reuseFor,
                                           @Value("${failback.health.patience:10s}") Duration patience) {
        return new PeerHealth("vcenters", () -> SessionCheck.run(vcenters.all()), reuseFor, patience);
    }
}
