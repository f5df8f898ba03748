package io.failback.dashboard;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.failback.schemas.TrustedMessages;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * The dashboard service: wires the job-state table's reader, the live updates, the audit reader and the control
 * sender to the pages, and sets the headers that keep every page to its own scripts and styles.
 */
@SpringBootApplication
@EnableConfigurationProperties(DashboardProperties.class)
public class DashboardApplication {

    public static void main(String[] args) {
        TrustedMessages.ensureTrusted();
        SpringApplication.run(DashboardApplication.class, args);
    }

    @Bean
    JobStateStore jobStateStore() {
        return new JobStateStore();
    }

    /** Readiness contributor {@code jobState}: the table read to its end once, and still followed. */
    @Bean
    org.springframework.boot.health.contributor.HealthIndicator jobStateHealthIndicator(JobStateFollower follower, JobStateStore store) {
        return () -> follower.following() && store.caughtUp()
                ? org.springframework.boot.health.contributor.Health.up().build()
                : org.springframework.boot.health.contributor.Health.down()
                .withDetail("reason", !follower.following() ? "not following " + io.failback.schemas.Topics.JOB_STATE.name()
                        : "still reading " + io.failback.schemas.Topics.JOB_STATE.name() + " to its end").build();
    }

    @Bean
    JobStateFollower jobStateFollower(KafkaProperties kafka, JobStateStore store) {
        return new JobStateFollower(consumer(kafka, "failback-dashboard-job-state"), store);
    }

    @Bean(destroyMethod = "close")
    LiveUpdates liveUpdates(JobStateStore store, DashboardProperties properties) {
        return new LiveUpdates(store, Clock.systemUTC(), properties.liveTick(), properties.keepAlive());
    }

    @Bean
    AuditReader auditReader(KafkaProperties kafka, DashboardProperties properties) {
        return new AuditReader(consumer(kafka, "failback-dashboard-audit"), properties.auditTimeout());
    }

    @Bean(destroyMethod = "close")
    ControlSender controlSender(KafkaProperties kafka, DashboardProperties properties) {
        Map<String, Object> p = new HashMap<>(kafka.buildProducerProperties());
        p.put("client.id", "failback-dashboard-control");
        return new ControlSender(p, properties.controlTimeout(), signingKey(properties));
    }

    /** The dashboard's operator key; a key that can't be read stops the start with the file named, never its content. */
    private static io.failback.schemas.signing.OperatorKey signingKey(DashboardProperties properties) {
        if (!properties.signs()) {
            return null;
        }
        String operator = properties.signingOperator() == null ? "dashboard" : properties.signingOperator();
        try {
            return io.failback.schemas.signing.OperatorKey.read(operator, properties.signingKeyFile());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("failback.dashboard.signing-key-file " + properties.signingKeyFile()
                    + " holds no Ed25519 private key failbackctl keygen wrote", e);
        }
    }

    /** Headers on every answer: scripts and styles only from here, no framing, no sniffing, no referrer. */
    @Bean
    Filter securityHeaders() {
        return (request, response, chain) -> {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                    + "img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
            http.setHeader("X-Content-Type-Options", "nosniff");
            http.setHeader("X-Frame-Options", "DENY");
            http.setHeader("Referrer-Policy", "no-referrer");
            chain.doFilter(request, response);
        };
    }

    /**
     * A consumer without a group: each reader assigns the partitions it reads and seeks itself, commits nothing, and
     * sees only committed records (the orchestrator writes status and audit in transactions).
     */
    private static Map<String, Object> consumer(KafkaProperties kafka, String clientId) {
        Map<String, Object> p = new HashMap<>(kafka.buildConsumerProperties());
        p.remove("group.id");
        p.put("client.id", clientId);
        p.put("enable.auto.commit", false);
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        return p;
    }
}
