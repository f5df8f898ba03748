package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmState;
import io.failback.orchestrator.saga.Estate;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import io.failback.schemas.Topics;
import io.failback.testsupport.BrokerProcessExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator process as an operator's monitoring sees it: readiness UP while its Kafka Streams client
 * runs with a broker, DOWN while the broker is gone and UP again after; and, after a plan, a Prometheus scrape
 * holding the named series with the values that plan implies, and the job-state table holding its latest status.
 */
class OrchestratorObservabilityIT {

    private static final Pattern PORT = Pattern.compile("health and metrics on http://localhost:(\\d+)/actuator");

    @TempDir
    static Path work;

    @RegisterExtension
    static final BrokerProcessExtension brokerProcess = new BrokerProcessExtension();
    private static KafkaBrokerProcess broker;
    private static OrchestratorHarness harness;
    private static URI actuator;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        broker = brokerProcess.get();
        harness = new OrchestratorHarness(broker.bootstrapServers(), work);
        harness.startOrchestrator("observed");
        Path log = work.resolve("observed.log");
        await("the orchestrator logs its HTTP port").atMost(Duration.ofMinutes(2))
                .until(() -> Files.exists(log) && PORT.matcher(Files.readString(log)).find());
        Matcher port = PORT.matcher(Files.readString(log));
        assertThat(port.find()).isTrue();
        actuator = URI.create("http://localhost:" + port.group(1) + "/actuator/");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void shouldPublishTheNamedMetricsWithTheValuesOfAPlanItRan() throws Exception {
        // given a running orchestrator, ready
        await("readiness UP").atMost(Duration.ofMinutes(2)).until(() -> get("health/readiness").statusCode() == 200);
        assertThat(get("health/liveness").body()).contains("\"status\":\"UP\"");
        await("the only instance runs the jobs of every partition").atMost(Duration.ofMinutes(1))
                .until(() -> get("health/readiness").body().contains("\"jobPartitions\":[0,1,2,3,4,5]"));

        // when a plan of 6 VMs runs to AWAITING_COMMIT, every command answered
        Estate estate = new Estate();
        List<String> vms = OrchestratorHarness.threeGroupPlan(estate, "plan-metrics", "vm-m", 2);
        harness.publishInventory(estate, "plan-metrics");
        harness.request(Estate.planRequest("job-metrics", "plan-metrics").setRequestedAt(Instant.now()).build());
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> harness.jobState("job-metrics") == JobState.AWAITING_COMMIT);

        // then the scrape says so: the job by state, each VM's steps by outcome, their durations, nothing left in flight
        await("the job counted AWAITING_COMMIT").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> value(scrape(), "failback_jobs", "state=\"AWAITING_COMMIT\"").orElse(0) == 1.0);
        String metrics = scrape();
        assertThat(value(metrics, "failback_jobs", "state=\"RUNNING\"")).hasValue(0.0);
        assertThat(value(metrics, "failback_vm_steps_total", "outcome=\"OK\"", "step=\"SHUT_DOWN_AZURE_VM\"")).hasValue(vms.size());
        assertThat(value(metrics, "failback_vm_steps_total", "outcome=\"OK\"", "step=\"POWER_ON_ON_PREMISES_VM\"")).hasValue(vms.size());
        assertThat(value(metrics, "failback_step_duration_seconds_count", "step=\"ATTACH_TO_ON_PREMISES_VM\"")).hasValue(vms.size());
        assertThat(value(metrics, "failback_step_duration_seconds_sum", "step=\"ATTACH_TO_ON_PREMISES_VM\"").orElseThrow())
                .as("seconds the attaches took in all").isPositive().isLessThan(vms.size() * 60.0);
        assertThat(metrics).contains("failback_step_duration_seconds_bucket{");
        assertThat(value(metrics, "failback_commands_in_flight")).hasValue(0.0);
        assertThat(value(metrics, "failback_commands_resent_total", "step=\"SHUT_DOWN_AZURE_VM\"")).hasValue(0.0);
        assertThat(value(metrics, "failback_step_timeouts_total", "step=\"SHUT_DOWN_AZURE_VM\"")).hasValue(0.0);
        assertThat(value(metrics, "failback_dead_letters_total", "topic=\"failback.requests\"")).hasValue(0.0);

        // and a dashboard starting now reads the same truth from the job-state table, committed records only
        Map<String, StatusEvent> table = jobStateTable();
        assertThat(table.get(Topics.jobStateKey("job-metrics")).getJob().getState()).isEqualTo(JobState.AWAITING_COMMIT);
        for (String vm : vms) {
            assertThat(table.get(Topics.vmStateKey("job-metrics", vm)).getVm().getState()).as(vm)
                    .isEqualTo(VmState.FAILED_BACK_AWAITING_COMMIT);
        }
    }

    /** The job-state topic read from the start with read_committed, the last record per key (what compaction keeps). */
    private static Map<String, StatusEvent> jobStateTable() {
        Map<String, StatusEvent> table = new HashMap<>();
        try (KafkaConsumer<String, StatusEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.JOB_STATE.keySerde().deserializer(), Topics.JOB_STATE.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOB_STATE.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await("the job-state table read to its end").atMost(Duration.ofMinutes(1)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> table.put(r.key(), r.value()));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return table;
    }

    @Test
    void shouldTurnReadinessDownWhileTheBrokerIsGoneAndUpAfter() throws Exception {
        // given
        await("readiness UP").atMost(Duration.ofMinutes(2)).until(() -> get("health/readiness").statusCode() == 200);

        // when the broker goes away
        broker.kill();

        // then readiness is DOWN (503) and names the broker, while liveness stays UP: a restart would not help
        await("readiness DOWN").atMost(Duration.ofMinutes(1)).until(() -> get("health/readiness").statusCode() == 503);
        assertThat(get("health/readiness").body()).contains("\"status\":\"DOWN\"", "no answer within");
        assertThat(get("health/liveness").statusCode()).isEqualTo(200);

        // and when it comes back, readiness is UP again
        broker.start(Duration.ofMinutes(2));
        await("readiness UP again").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get("health/readiness").statusCode() == 200);
        assertThat(get("health/readiness").body()).contains("\"broker\":\"answers\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(actuator.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get("prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The value of the one sample of {@code name} whose labels hold every one of {@code labels}, if there is one. */
    private static OptionalDouble value(String scrape, String name, String... labels) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> List.of(labels).stream().allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst();
    }
}
