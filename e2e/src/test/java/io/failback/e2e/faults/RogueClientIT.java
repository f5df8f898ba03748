package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.demo.SandboxOperators;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.Acls.Principal;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import io.failback.schemas.signing.Signatures;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 15, every part its own process: a rogue client that can write the request and control topics tries to
 * commit a plan awaiting commit with a forged signature and with a requester's (who may not commit), and writes
 * a genuine request and commit again byte for byte. Each is refused on status by name, and the Azure VMs the
 * forged commits targeted still exist in the ARM emulator until the approver's own commit.
 */
@ExtendWith(SharedFaultStage.class)
@Order(7)
class RogueClientIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void shouldRefuseForgedAndReplayedRecordsByNameAndKeepTheAzureVmsTheyTargeted(FaultStage stage) throws Exception {
        FailbackSandbox sandbox = stage.sandbox();
        JobWatch watch = stage.watch();
        SandboxOperators operators = sandbox.operators();
        String jobId = "rogue-" + System.currentTimeMillis();
        List<VmSpec> vms = sandbox.estate().members(FaultStage.ROGUE_PLAN);
        // the rogue holds the operator's broker certificate (an insider, or a stolen laptop): the broker lets it write
        // requests and control, so only the signatures stand between it and the plan's Azure VMs
        try (KafkaProducer<byte[], byte[]> rogue = new KafkaProducer<>(sandbox.client(Principal.OPERATOR),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // given the requester's plan awaiting commit, its request record kept as it was written
            Signed request = signed(Topics.REQUESTS.name(), jobId, Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(),
                    JobWatch.plan(jobId, FaultStage.ROGUE_PLAN).setRequestedBy(SandboxOperators.REQUESTER).build()),
                    operators.key(SandboxOperators.REQUESTER));
            send(rogue, Topics.REQUESTS.name(), jobId, request);
            assertThat(watch.await(jobId, RUN_TIMEOUT, java.util.Set.of(JobState.AWAITING_COMMIT))).isEqualTo(JobState.AWAITING_COMMIT);

            // when a commit comes in the approver's name with a key the roster doesn't know
            OperatorKey forgedKey = new OperatorKey(SandboxOperators.APPROVER, SandboxOperators.APPROVER + "-forged",
                    Signatures.generate().getPrivate());
            send(rogue, Topics.CONTROL.name(), jobId, signed(Topics.CONTROL.name(), jobId, commit(jobId), forgedKey));
            // then it is refused by name
            awaitReason(watch, jobId, ReasonCode.UNKNOWN_KEY);

            // when the requester, who may not commit, signs one
            send(rogue, Topics.CONTROL.name(), jobId, signed(Topics.CONTROL.name(), jobId, commit(jobId),
                    operators.key(SandboxOperators.REQUESTER)));
            awaitReason(watch, jobId, ReasonCode.NOT_PERMITTED);

            // when the genuine request is written again, byte for byte
            send(rogue, Topics.REQUESTS.name(), jobId, request);
            awaitReason(watch, jobId, ReasonCode.REPLAYED);

            // then the job still awaits its commit and every Azure VM the forged commits targeted still exists
            assertThat(watch.job(jobId).getState()).isEqualTo(JobState.AWAITING_COMMIT);
            await("the Azure VMs of " + FaultStage.ROGUE_PLAN + " stay").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(60))
                    .until(() -> vms.stream().allMatch(vm -> sandbox.arm().vm(sandbox.estate().azureVmId(vm)).isPresent()));

            // when the approver commits, and that commit is written again byte for byte once the job ended
            Signed genuine = signed(Topics.CONTROL.name(), jobId, commit(jobId), operators.key(SandboxOperators.APPROVER));
            send(rogue, Topics.CONTROL.name(), jobId, genuine);
            assertThat(watch.await(jobId, RUN_TIMEOUT, PlanRun.ENDED)).isEqualTo(JobState.COMPLETED);
            assertThat(watch.job(jobId).getApprovedBy()).isEqualTo(SandboxOperators.APPROVER);
            long replayedBefore = reasons(watch, jobId, ReasonCode.REPLAYED);
            send(rogue, Topics.CONTROL.name(), jobId, genuine);

            // then the replay is refused by name and changes nothing
            await("the replayed commit refused").atMost(RUN_TIMEOUT).until(() -> reasons(watch, jobId, ReasonCode.REPLAYED) > replayedBefore);
            assertThat(watch.job(jobId).getState()).isEqualTo(JobState.COMPLETED);
            assertThat(watch.job(jobId).getRequestedBy()).isEqualTo(SandboxOperators.REQUESTER);
        }
    }

    private record Signed(byte[] value, Headers headers) {
    }

    private static Signed signed(String topic, String key, byte[] value, OperatorKey signer) {
        RecordHeaders headers = new RecordHeaders();
        Signatures.sign(headers, signer, topic, key, value, System.currentTimeMillis());
        return new Signed(value, headers);
    }

    private static byte[] commit(String jobId) {
        return Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), new ControlCommand(jobId + ":commit:" + System.nanoTime(),
                jobId, ControlAction.COMMIT, "rogue@example.org", Instant.now(), null));
    }

    private static void send(KafkaProducer<byte[], byte[]> client, String topic, String key, Signed record) throws Exception {
        client.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), record.value(), record.headers()))
                .get(2, TimeUnit.MINUTES);
    }

    private static void awaitReason(JobWatch watch, String jobId, ReasonCode code) {
        await("job " + jobId + " refused with " + code).atMost(RUN_TIMEOUT).until(() -> reasons(watch, jobId, code) > 0);
    }

    /** How many job status events of the job carry {@code code}. */
    private static long reasons(JobWatch watch, String jobId, ReasonCode code) {
        return watch.statusEvents().stream().filter(e -> e.getJobId().equals(jobId) && e.getJob() != null).map(StatusEvent::getJob)
                .map(JobStatus::getReasons).filter(rs -> rs.stream().anyMatch(r -> r.getCode() == code)).count();
    }
}
