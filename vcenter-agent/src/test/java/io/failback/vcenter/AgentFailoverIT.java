package io.failback.vcenter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.failback.agent.testing.AgentProcess;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.sandbox.kafka.InJvmKafka;
import io.failback.sandbox.vcsim.Vcsim;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failover in seconds: two agents, each its own process from the boot jar, share the command topic with
 * static membership; one is killed with SIGKILL, and a command sent right after to a partition it held is
 * answered by the other within 10 s (a 6 s session timeout, not Kafka's default 45 s).
 */
class AgentFailoverIT {

    private static final String GROUP = "vcenter-agent";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static EmbeddedKafkaKraftBroker broker;
    static Vcsim vcsim;

    @BeforeAll
    static void start() {
        broker = InJvmKafka.start();
        vcsim = Vcsim.builder().seedJson("""
                {"masterTargets": [], "vms": [{"name": "web01", "guestId": "windows8Server64Guest", "powerState": "poweredOn"}]}
                """).start();
    }

    @AfterAll
    static void stop() {
        if (vcsim != null) {
            vcsim.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void shouldAnswerACommandForAKilledInstancesPartitionFromAnotherInstanceWithinTenSeconds() throws Exception {
        try (AgentProcess a = AgentProcess.start(GROUP, environment("agent-a"), dir.resolve("agent-a.log"));
             AgentProcess b = AgentProcess.start(GROUP, environment("agent-b"), dir.resolve("agent-b.log"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
             KafkaConsumer<String, byte[]> results = resultReader()) {
            a.awaitStarted(Duration.ofMinutes(2));
            b.awaitStarted(Duration.ofMinutes(2));
            Map<String, Set<TopicPartition>> held = await().atMost(Duration.ofSeconds(60)).until(() -> partitionsByInstance(admin),
                    byInstance -> !byInstance.getOrDefault("agent-a", Set.of()).isEmpty() && !byInstance.getOrDefault("agent-b", Set.of()).isEmpty());
            TopicPartition ofA = held.get("agent-a").iterator().next();
            // Both instances serving (each logged in to vCenter) before one dies.
            List<VcenterCommand> warmUps = new java.util.ArrayList<>();
            for (TopicPartition partition : held.values().stream().flatMap(Set::stream).toList()) {
                VcenterCommand warmUp = Commands.checkConnection("vc01");
                send(partition, warmUp);
                warmUps.add(warmUp);
            }
            Set<String> unanswered = warmUps.stream().map(VcenterCommand::getCommandId).collect(Collectors.toCollection(java.util.HashSet::new));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                unanswered.removeAll(answered(results));
                return unanswered.isEmpty();
            });

            a.kill();
            long killed = System.nanoTime();
            VcenterCommand command = Commands.checkConnection("vc01");
            send(ofA, command);
            VcenterResult result = await().atMost(Duration.ofSeconds(60)).until(() -> resultOf(results, command.getCommandId()), r -> r != null);
            Duration took = Duration.ofNanos(System.nanoTime() - killed);

            assertThat(result.getCode()).isEqualTo(VcenterResultCode.OK);
            assertThat(took).as("answered after the kill").isLessThan(ANSWER_WITHIN);
            assertThat(b.log()).as("answered by the surviving instance").contains(command.getCommandId());
        }
    }

    private static void send(TopicPartition partition, VcenterCommand command) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), command.getVmId(), Topics.VCENTER_COMMANDS
                    .valueSerde().serializer().serialize(partition.topic(), command))).get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> environment(String instance) {
        Path store = vcsim.writeTrustStore(dir.resolve(instance + "-truststore.p12"), "changeit".toCharArray());
        Map<String, String> env = new HashMap<>();
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", broker.getBrokersAsString());
        env.put("FAILBACK_AGENT_INSTANCE_ID", instance);
        env.put("FAILBACK_VCENTER_VCENTERS_0_NAME", "vc01");
        env.put("FAILBACK_VCENTER_VCENTERS_0_URL", vcsim.url().toString());
        env.put("FAILBACK_VCENTER_VCENTERS_0_USERNAME", vcsim.username());
        env.put("FAILBACK_VCENTER_VCENTERS_0_PASSWORD", vcsim.password());
        env.put("FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PATH", store.toString());
        env.put("FAILBACK_VCENTER_VCENTERS_0_TRUSTSTORE_PASSWORD", "changeit");
        return env;
    }

    /** The partitions each instance holds once the group is stable, by instance id (Spring adds -0, -1... per consumer). */
    private static Map<String, Set<TopicPartition>> partitionsByInstance(Admin admin) throws Exception {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of(); // no instance has joined yet
            }
            throw e;
        }
        if (group.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        return group.members().stream().filter(m -> m.groupInstanceId().isPresent()).collect(Collectors.groupingBy(
                m -> m.groupInstanceId().get().replaceFirst("-[0-9]+$", ""),
                Collectors.flatMapping((MemberDescription m) -> m.assignment().topicPartitions().stream(), Collectors.toSet())));
    }

    private static KafkaConsumer<String, byte[]> resultReader() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.VCENTER_EVENTS.name()));
        return consumer;
    }

    /** The command ids of the results one poll brings. */
    private static Set<String> answered(KafkaConsumer<String, byte[]> results) {
        Set<String> ids = new java.util.HashSet<>();
        for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(100))) {
            ids.add(Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()).getCommandId());
        }
        return ids;
    }

    private static VcenterResult resultOf(KafkaConsumer<String, byte[]> results, String commandId) {
        for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofMillis(100))) {
            VcenterResult result = Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
            if (result.getCommandId().equals(commandId)) {
                return result;
            }
        }
        return null;
    }
}
