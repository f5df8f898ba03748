package io.failback.sandbox.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.failback.messages.PowerState;
import io.failback.messages.Reprotect;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.kafka.CatalogTopics;
import io.failback.sandbox.kafka.KafkaBrokerProcess;
import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication simulator on a real broker: inventory out, reprotect refused until the agent registers, bad input to its DLT. */
class ReplicationSimulatorIT {

    // the sandbox's own broker process: the in-JVM broker is in test-support, which depends on this module
    @TempDir
    Path brokerDir;

    @Test
    void shouldAnswerReprotectOnlyAfterTheAgentRegisteredAndDeadLetterGarbage() throws Exception {
        var broker = KafkaBrokerProcess.on(brokerDir, 0).plaintext().start(Duration.ofMinutes(2));
        CatalogTopics.create(broker.bootstrapServers(), (short) 1);
        EstateSpec estate = EstateSpec.demo(24);
        String vm = estate.vms().get(0).vmId();
        List<ConsumerRecord<byte[], byte[]>> seen = new CopyOnWriteArrayList<>();
        try (var sim = ReplicationSimulator.start(broker.bootstrapServers(), estate,
                new ReplicationEngine.Settings(Duration.ofSeconds(1), Duration.ofSeconds(3), 3, Duration.ofSeconds(2)));
             var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
             var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "it-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.subscribe(List.of(Topics.INVENTORY.name(), Topics.RECOVERY_POINTS.name(), Topics.REPLICATION_EVENTS.name(),
                    Topics.REPLICATION_COMMANDS_DLT.name()));
            Runnable poll = () -> consumer.poll(Duration.ofMillis(200)).forEach(seen::add);

            ReplicationCommand reprotect = new ReplicationCommand("job-r:" + vm + ":9:REPROTECT", "job-r", vm, Instant.now(),
                    new Reprotect("ps-01", vm + "-onprem"));
            send(producer, Topics.REPLICATION_COMMANDS.name(), vm, Topics.REPLICATION_COMMANDS.valueSerde().serializer()
                    .serialize(Topics.REPLICATION_COMMANDS.name(), reprotect));
            send(producer, Topics.REPLICATION_COMMANDS.name(), vm, "garbage".getBytes(StandardCharsets.UTF_8));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                poll.run();
                assertThat(results(seen)).extracting(ReplicationResult::getCode).contains(ReplicationResultCode.AGENT_NOT_REGISTERED);
                assertThat(seen).anySatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.REPLICATION_COMMANDS_DLT.name()));
                assertThat(seen.stream().filter(r -> r.topic().equals(Topics.INVENTORY.name()) && key(r).startsWith("item/"))).hasSize(26);
            });
            assertThat(seen.stream().filter(r -> r.topic().equals(Topics.RECOVERY_POINTS.name()))).isNotEmpty();
            ConsumerRecord<byte[], byte[]> dead = seen.stream().filter(r -> r.topic().equals(Topics.REPLICATION_COMMANDS_DLT.name())).findFirst().orElseThrow();
            assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.PROBLEM).value(), StandardCharsets.UTF_8))
                    .isEqualTo("NOT_SINGLE_OBJECT_ENCODED");

            send(producer, Topics.VCENTER_EVENTS.name(), "job-r", Topics.VCENTER_EVENTS.valueSerde().serializer().serialize(
                    Topics.VCENTER_EVENTS.name(), new VcenterResult("job-r:" + vm + ":7:POWER_ON_ON_PREMISES_VM", "job-r", vm,
                            VcenterResultCode.OK, "", Instant.now(), new VmPowerState(PowerState.POWERED_ON))));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                poll.run();
                assertThat(seen).anySatisfy(r -> assertThat(key(r)).isEqualTo("agent/" + vm));
            });
            send(producer, Topics.REPLICATION_COMMANDS.name(), vm, Topics.REPLICATION_COMMANDS.valueSerde().serializer()
                    .serialize(Topics.REPLICATION_COMMANDS.name(), reprotect));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                poll.run();
                assertThat(results(seen)).extracting(ReplicationResult::getCode).contains(ReplicationResultCode.OK);
            });
        } finally {
            broker.close();
        }
    }

    private static List<ReplicationResult> results(List<ConsumerRecord<byte[], byte[]>> seen) {
        return seen.stream().filter(r -> r.topic().equals(Topics.REPLICATION_EVENTS.name()))
                .map(r -> Topics.REPLICATION_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
    }
}
