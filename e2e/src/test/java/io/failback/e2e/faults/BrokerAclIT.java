package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.messages.AzureCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.FailbackRequest;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.Acls.Principal;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rogue client on the secured sandbox broker: with a certificate of a principal that may not command the
 * azure-agent, or with none, its direct "delete this Azure VM" command is refused by the broker itself, never
 * reaches the agent, and the VM is still there. Runs last on the shared fault sandbox, on a plan no test fails back.
 */
@ExtendWith(SharedFaultStage.class)
@Order(7)
class BrokerAclIT {

    @Test
    void shouldRefuseADirectAzureDeleteCommandFromEveryPrincipalButTheOrchestrator(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        VmSpec target = target(sandbox);
        String azureVmId = sandbox.estate().azureVmId(target);
        assertThat(sandbox.arm().vm(azureVmId)).as("the target before").isPresent();
        Map<TopicPartition, Long> marks = TopicRead.endOffsets(sandbox.client(Principal.ADMIN), List.of(Topics.AZURE_COMMANDS.name()));

        for (Principal rogue : List.of(Principal.OPERATOR, Principal.DASHBOARD, Principal.AUDITOR, Principal.VCENTER_AGENT,
                Principal.AZURE_AGENT, Principal.REPLICATION)) {
            assertThatThrownBy(() -> send(sandbox.client(rogue), target, azureVmId))
                    .as("a delete command sent with the certificate of %s", rogue.kafkaPrincipal())
                    .hasRootCauseInstanceOf(AuthorizationException.class);
        }

        assertThat(commandsFor(sandbox, target, marks)).as("azure commands for the target written since").isEmpty();
        assertThat(sandbox.arm().vm(azureVmId)).as("the target after").isPresent();
    }

    @Test
    void shouldRefuseAnAgentsPrincipalPublishingAFailbackRequest(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        FailbackRequest request = JobWatch.plan("rogue-" + UUID.randomUUID(), FaultStage.ROGUE_TARGET_PLAN).build();
        byte[] value = Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), request);

        assertThatThrownBy(() -> send(sandbox.client(Principal.AZURE_AGENT), Topics.REQUESTS.name(), request.getRequestId(), value))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void shouldRefuseAnUnauthenticatedConnection(FaultStage stage) {
        FailbackSandbox sandbox = stage.sandbox();
        VmSpec target = target(sandbox);
        String azureVmId = sandbox.estate().azureVmId(target);
        Map<TopicPartition, Long> marks = TopicRead.endOffsets(sandbox.client(Principal.ADMIN), List.of(Topics.AZURE_COMMANDS.name()));
        // TLS and the broker's authority, but no certificate of its own
        Map<String, Object> anonymous = new HashMap<>(sandbox.client(Principal.OPERATOR));
        List.of("ssl.keystore.location", "ssl.keystore.password", "ssl.key.password", "ssl.keystore.type").forEach(anonymous::remove);

        assertThatThrownBy(() -> send(anonymous, target, azureVmId)).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);

        assertThat(commandsFor(sandbox, target, marks)).isEmpty();
        assertThat(sandbox.arm().vm(azureVmId)).isPresent();
    }

    private static VmSpec target(FailbackSandbox sandbox) {
        return sandbox.estate().vms().stream().filter(v -> v.planId().equals(FaultStage.ROGUE_TARGET_PLAN)).findFirst().orElseThrow();
    }

    private static void send(Map<String, Object> client, VmSpec target, String azureVmId) throws Exception {
        AzureCommand delete = AzureCommand.newBuilder().setCommandId("rogue-" + UUID.randomUUID()).setJobId("rogue-job")
                .setVmId(target.vmId()).setIssuedAt(Instant.now())
                .setOperation(DeleteAzureVm.newBuilder().setResourceId(azureVmId).build()).build();
        send(client, Topics.AZURE_COMMANDS.name(), target.vmId(),
                Topics.AZURE_COMMANDS.valueSerde().serializer().serialize(Topics.AZURE_COMMANDS.name(), delete));
    }

    private static void send(Map<String, Object> client, String topic, String key, byte[] value) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(60, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> commandsFor(FailbackSandbox sandbox, VmSpec target, Map<TopicPartition, Long> marks) {
        byte[] key = target.vmId().getBytes(StandardCharsets.UTF_8);
        return TopicRead.since(sandbox.client(Principal.ADMIN), List.of(Topics.AZURE_COMMANDS.name()), marks, IsolationLevel.READ_UNCOMMITTED)
                .stream().filter(r -> java.util.Arrays.equals(r.key(), key)).toList();
    }
}
