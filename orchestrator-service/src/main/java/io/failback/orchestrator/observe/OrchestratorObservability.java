package io.failback.orchestrator.observe;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.failback.messages.JobState;
import io.failback.orchestrator.streams.JobsByState;
import io.failback.schemas.Meters;
import io.failback.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The orchestrator's health and gauges: readiness is its Kafka Streams client running with a broker that
 * answers, and the jobs-by-state gauge counts what its job stores hold. The step metrics are recorded in
 * the topology ({@code streams.JobMetrics}).
 */
@Configuration(proxyBeanMethods = false)
public class OrchestratorObservability {

    private static final Logger log = LoggerFactory.getLogger(OrchestratorObservability.class);
    /** How long the readiness probe waits for the broker: shorter than the probes' own timeouts. */
    static final Duration BROKER_WAIT = Duration.ofSeconds(3);
    /** A scrape counts the stores at most this often; scrapes in between see the last count. */
    private static final long COUNT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The readiness contributor {@code kafkaStreams}: UP while Streams runs (or rebalances) and a broker answers. */
    @Bean
    HealthIndicator kafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams, KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildAdminProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_WAIT.toMillis());
        BrokerProbe broker = new BrokerProbe(config);
        return () -> {
            KafkaStreams client = streams.getKafkaStreams();
            KafkaStreams.State state = client == null ? null : client.state();
            String brokerProblem = broker.problem();
            boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
            Health.Builder health = running && brokerProblem == null ? Health.up() : Health.down();
            health.withDetail("streamsState", String.valueOf(state));
            health.withDetail("jobPartitions", client == null ? List.of() : jobPartitions(client));
            return health.withDetail("broker", brokerProblem == null ? "answers" : brokerProblem).build();
        };
    }

    /**
     * The partitions of the job-keyed topics whose jobs this instance runs now (active tasks reading
     * {@code failback.orchestrator.inputs}), in order: which jobs an operator finds in this instance's log and stores.
     */
    private static List<Integer> jobPartitions(KafkaStreams client) {
        try {
            return client.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                    .flatMap(task -> task.topicPartitions().stream())
                    .filter(tp -> tp.topic().equals(Topics.ORCHESTRATOR_INPUTS.name()))
                    .map(TopicPartition::partition).sorted().distinct().toList();
        } catch (RuntimeException e) { // not started yet, or closing: none
            return List.of();
        }
    }

    /** {@value Meters#JOBS}{state}: the jobs this instance's stores hold, one series per job state. */
    @Bean
    MeterBinder jobsByStateGauge(StreamsBuilderFactoryBean streams) {
        JobCounts counts = new JobCounts(streams);
        return registry -> {
            for (JobState state : JobState.values()) {
                Gauge.builder(Meters.JOBS, counts, c -> c.of(state)).tag("state", state.name())
                        .description("jobs in this instance's stores, by state").register(registry);
            }
        };
    }

    /** Names the port the health and metrics endpoints listen on: it is chosen at start unless SERVER_PORT sets it. */
    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        log.info("health and metrics on http://localhost:{}/actuator (health/liveness, health/readiness, prometheus)",
                event.getWebServer().getPort());
    }

    /** Asks the broker for its nodes, with one admin client kept for the process's life. */
    static final class BrokerProbe {
        private final Map<String, Object> config;
        private Admin admin;

        BrokerProbe(Map<String, Object> config) {
            this.config = config;
        }

        /** Null when a broker answered within {@link #BROKER_WAIT}, else why not. */
        synchronized String problem() {
            try {
                if (admin == null) {
                    admin = Admin.create(config);
                }
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) BROKER_WAIT.toMillis())).nodes()
                        .get(BROKER_WAIT.toMillis() + 500, TimeUnit.MILLISECONDS);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (Exception e) {
                return "no answer within " + BROKER_WAIT.toSeconds() + "s (" + e.getClass().getSimpleName() + ")";
            }
        }
    }

    /** The last count of the job stores, taken again when a scrape finds it older than a few seconds. */
    static final class JobCounts {
        private final StreamsBuilderFactoryBean streams;
        private Map<JobState, Long> last = new EnumMap<>(JobState.class);
        private long countedAt = System.nanoTime() - COUNT_EVERY_NANOS;

        JobCounts(StreamsBuilderFactoryBean streams) {
            this.streams = streams;
        }

        synchronized double of(JobState state) {
            if (System.nanoTime() - countedAt >= COUNT_EVERY_NANOS) {
                KafkaStreams client = streams.getKafkaStreams();
                if (client != null && client.state() == KafkaStreams.State.RUNNING) {
                    try {
                        last = JobsByState.count(client);
                        countedAt = System.nanoTime();
                    } catch (RuntimeException e) {
                        // stores migrating in a rebalance are not queryable: keep the last count until they are
                        log.debug("job stores not queryable yet: {}", e.toString());
                    }
                }
            }
            return last.getOrDefault(state, 0L);
        }
    }
}
