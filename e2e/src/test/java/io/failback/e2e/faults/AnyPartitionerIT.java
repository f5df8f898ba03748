package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.failback.demo.JobWatch;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.schemas.Topics;
import io.failback.schemas.Acls.Principal;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DESIGN section 4, "requests and control commands work from any client in any language, whatever its
 * partitioner": a client partitioning like librdkafka (CRC32 of the key) submits a plan and commits it,
 * its records on other partitions than the Java client would pick; the plan fails back and commits.
 */
@ExtendWith(SharedFaultStage.class)
@Order(4)
class AnyPartitionerIT {

    @Test
    void shouldFailBackAndCommitAPlanSubmittedByAClientThatPartitionsByCrc32(FaultStage stage) throws Exception {
        String jobId = keyOnAnotherPartition("crc-" + System.currentTimeMillis());
        byte[] key = jobId.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> config = new java.util.HashMap<>(stage.sandbox().client(Principal.OPERATOR));
        config.putAll(Map.of(
                ProducerConfig.PARTITIONER_CLASS_CONFIG, Crc32Partitioner.class.getName(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        try (KafkaProducer<byte[], byte[]> client = new KafkaProducer<>(config)) {
            FailbackRequest request = JobWatch.plan(jobId, FaultStage.ANY_PARTITIONER_PLAN).build();
            PlanRun run = PlanRun.submit(stage.sandbox(), stage.watch(), FaultStage.ANY_PARTITIONER_PLAN, request,
                    r -> assertThat(send(client, Topics.REQUESTS.name(), key, Topics.REQUESTS.valueSerde().serializer()
                            .serialize(Topics.REQUESTS.name(), r), signer(stage, "submit")).partition())
                            .isEqualTo(Crc32Partitioner.partitionOf(key, Topics.PARTITIONS)));

            JobState end = run.finish(Duration.ofMinutes(4), () -> send(client, Topics.CONTROL.name(), key, Topics.CONTROL.valueSerde()
                    .serializer().serialize(Topics.CONTROL.name(), new ControlCommand(jobId + ":commit", jobId, ControlAction.COMMIT,
                            "crc32-client@example.org", Instant.now(), null)), signer(stage, "commit")));

            PlanRun.Verdict verdict = run.verify();
            System.out.println("any partitioner: " + verdict.summary() + " in " + run.elapsed().toSeconds() + " s");
            assertThat(run.committed()).as("the plan awaited commit").isTrue();
            assertThat(end).isEqualTo(JobState.COMPLETED);
            assertThat(verdict.count(EndState.Outcome.FAILED_BACK)).isEqualTo(run.vms().size());
            assertThat(verdict.problems()).isEmpty();
        }
    }

    /** A key (the request and job id) that CRC32 and the Java client's murmur2 put on different partitions. */
    private static String keyOnAnotherPartition(String prefix) {
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            int javaClient = Utils.toPositive(Utils.murmur2(key)) % Topics.PARTITIONS;
            if (Crc32Partitioner.partitionOf(key, Topics.PARTITIONS) != javaClient) {
                return id;
            }
        }
    }

    /** The sandbox's operator who signs {@code command} (issue 15): this client signs as failbackctl does. */
    private static io.failback.schemas.signing.OperatorKey signer(FaultStage stage, String command) {
        return stage.sandbox().operators().key(io.failback.demo.SandboxOperators.signerOf(command));
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> client, String topic, byte[] key, byte[] value,
                                       io.failback.schemas.signing.OperatorKey signer) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        io.failback.schemas.signing.Signatures.sign(headers, signer, topic, new String(key, StandardCharsets.UTF_8), value, System.currentTimeMillis());
        try {
            return client.send(new ProducerRecord<>(topic, null, key, value, headers)).get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic + ": " + e.getMessage(), e);
        }
    }
}
