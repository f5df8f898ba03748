package io.failback.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.orchestrator.saga.Estate;
import io.failback.schemas.Topics;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale-out (docs/scale-out.md): two orchestrator processes on one application id share the partitions of the job
 * topics, so the jobs of several plans at once spread over both, each job handled by one instance only, to its end
 * once, and each command delivered once.
 */
class ScaleOutIT {

    @RegisterExtension
    static final OrchestratorEnvironment env = new OrchestratorEnvironment();

    @Test
    void shouldSpreadTheJobsOfSeveralPlansOverTwoInstancesWithEachJobEndingOnce() throws Exception {
        // given a job id for each partition of the job topics, each with a plan of its own
        Map<String, String> planOfJob = new LinkedHashMap<>();
        for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
            String jobId = jobOnPartition(partition);
            Estate estate = new Estate();
            OrchestratorHarness.threeGroupPlan(estate, "plan-" + partition, "vm-p" + partition, 2);
            env.harness().publishInventory(estate, "plan-" + partition);
            planOfJob.put(jobId, "plan-" + partition);
        }
        env.harness().startOrchestrator("a");
        env.harness().startOrchestrator("b");
        await().atMost(Duration.ofMinutes(3)).until(() -> log("a").contains("Started ") && log("b").contains("Started "));
        // and the group settled: each instance runs the jobs of some partitions, together of all, none of both (a
        // request sent while the first instance alone held every partition would never reach the second)
        await("both instances run jobs").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<Integer> a = jobPartitions("a");
            List<Integer> b = jobPartitions("b");
            return !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == Topics.PARTITIONS && a.stream().noneMatch(b::contains);
        });

        // when every plan is requested at once
        for (Map.Entry<String, String> job : planOfJob.entrySet()) {
            env.harness().request(Estate.planRequest(job.getKey(), job.getValue()).setRequestedAt(Instant.now()).build());
        }

        // then every job fails back to awaiting commit, each reaching it once, each command delivered once
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> planOfJob.keySet().stream().allMatch(id -> env.harness().jobState(id) == JobState.AWAITING_COMMIT));
        for (String jobId : planOfJob.keySet()) {
            assertThat(env.harness().statuses.stream().filter(e -> e.getJobId().equals(jobId) && e.getJob() != null
                    && e.getJob().getState() == JobState.AWAITING_COMMIT).map(StatusEvent::getJob).count())
                    .as("%s reached awaiting commit once", jobId).isEqualTo(1);
        }
        assertThat(env.harness().deliveries).isNotEmpty()
                .allSatisfy((id, count) -> assertThat(count.get()).as("deliveries of " + id).isEqualTo(1));
        // and both instances took requests, never the same one
        List<String> onA = requestsTakenBy("a", planOfJob.keySet());
        List<String> onB = requestsTakenBy("b", planOfJob.keySet());
        System.out.printf("instance a took %s, instance b took %s%n", onA, onB);
        assertThat(onA).as("jobs on instance a").isNotEmpty().doesNotContainAnyElementsOf(onB);
        assertThat(onB).as("jobs on instance b").isNotEmpty();
        assertThat(onA.size() + onB.size()).isEqualTo(planOfJob.size());
    }

    /** A job id whose records land on {@code partition} of the keyed-by-job topics, as the Java client partitions them. */
    private static String jobOnPartition(int partition) {
        for (int i = 0; ; i++) {
            String id = "job-scale-" + i;
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % Topics.PARTITIONS == partition) {
                return id;
            }
        }
    }

    private static List<String> requestsTakenBy(String instance, Iterable<String> jobIds) throws Exception {
        String log = log(instance);
        List<String> taken = new ArrayList<>();
        for (String id : jobIds) {
            if (log.contains("request " + id + " by ")) {
                taken.add(id);
            }
        }
        return taken;
    }

    private static final Pattern PORT = Pattern.compile("health and metrics on http://localhost:(\\d+)/actuator");
    private static final Pattern JOB_PARTITIONS = Pattern.compile("\"jobPartitions\":\\[([0-9,]*)]");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The partitions whose jobs {@code instance} runs now, as its health says. */
    private static List<Integer> jobPartitions(String instance) throws Exception {
        Matcher port = PORT.matcher(log(instance));
        if (!port.find()) {
            return List.of();
        }
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port.group(1)
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher partitions = JOB_PARTITIONS.matcher(health.body());
        if (!health.body().contains("\"streamsState\":\"RUNNING\"") || !partitions.find() || partitions.group(1).isEmpty()) {
            return List.of();
        }
        return java.util.Arrays.stream(partitions.group(1).split(",")).map(Integer::valueOf).toList();
    }

    private static String log(String instance) throws Exception {
        Path log = env.work().resolve(instance + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
