package io.failback.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.failback.schemas.Topic;
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

/**
 * The failover drill both agents' integration tests run: two instances of an agent, each its own process
 * from the boot jar and each a static member of the command topic's group, serve one warm-up command per
 * partition; one is killed with SIGKILL, and a command is sent at once to a partition it held. The drill
 * reports the answer, how long after the kill it came, and the survivor's log.
 *
 * @param <C> the agent's command type
 * @param <R> its result type
 */
public final class FailoverDrill<C, R> {

    /** How soon after a kill the survivor must answer: a 6 s session timeout plus the rebalance, not Kafka's default 45 s. */
    public static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    /** What the drill saw. */
    public record Outcome<R>(R result, Duration afterKill, String survivorLog, String commandId) {

        /** The answer came from the surviving instance, within {@code within} of the kill; returns it. */
        public R assertAnsweredBySurvivorWithin(Duration within) {
            assertThat(afterKill).as("answered after the kill").isLessThan(within);
            assertThat(survivorLog).as("answered by the surviving instance").contains(commandId);
            return result;
        }
    }

    private final String bootstrap;
    private final String group;
    private final Topic<String, C> commands;
    private final Topic<String, R> results;
    private final Function<C, String> commandIdOf;
    private final Function<C, String> keyOf;
    private final Function<R, String> answeredIdOf;

    public FailoverDrill(String bootstrap, String group, Topic<String, C> commands, Topic<String, R> results,
                         Function<C, String> commandIdOf, Function<C, String> keyOf, Function<R, String> answeredIdOf) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.commands = commands;
        this.results = results;
        this.commandIdOf = commandIdOf;
        this.keyOf = keyOf;
        this.answeredIdOf = answeredIdOf;
    }

    /**
     * Runs the drill with instances "agent-a" (killed) and "agent-b".
     *
     * @param environment each instance's environment, given its instance id (the bootstrap servers and the
     *                    instance id are added)
     * @param command     a new harmless command each call
     */
    public Outcome<R> run(Path dir, Function<String, Map<String, String>> environment, Supplier<C> command) throws Exception {
        try (AgentProcess a = AgentProcess.start(group, env(environment, "agent-a"), dir.resolve("agent-a.log"));
             AgentProcess b = AgentProcess.start(group, env(environment, "agent-b"), dir.resolve("agent-b.log"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaConsumer<String, byte[]> answers = resultReader()) {
            a.awaitStarted(Duration.ofMinutes(2));
            b.awaitStarted(Duration.ofMinutes(2));
            Map<String, Set<TopicPartition>> held = await().atMost(Duration.ofSeconds(60)).until(() -> partitionsByInstance(admin),
                    byInstance -> !byInstance.getOrDefault("agent-a", Set.of()).isEmpty() && !byInstance.getOrDefault("agent-b", Set.of()).isEmpty());
            TopicPartition ofA = held.get("agent-a").iterator().next();
            // Both instances serving (each with its vCenter session or ARM client warm) before one dies.
            Set<String> unanswered = new HashSet<>();
            for (TopicPartition partition : held.values().stream().flatMap(Set::stream).toList()) {
                C warmUp = command.get();
                send(partition, warmUp);
                unanswered.add(commandIdOf.apply(warmUp));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                unanswered.removeAll(answered(answers).keySet());
                return unanswered.isEmpty();
            });

            a.kill();
            long killed = System.nanoTime();
            C probe = command.get();
            String id = commandIdOf.apply(probe);
            send(ofA, probe);
            R result = await().atMost(Duration.ofSeconds(60)).until(() -> answered(answers).get(id), r -> r != null);
            return new Outcome<>(result, Duration.ofNanos(System.nanoTime() - killed), b.log(), id);
        }
    }

    private Map<String, String> env(Function<String, Map<String, String>> environment, String instance) {
        Map<String, String> env = new HashMap<>(environment.apply(instance));
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("FAILBACK_AGENT_INSTANCE_ID", instance);
        return env;
    }

    private void send(TopicPartition partition, C command) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), keyOf.apply(command),
                    commands.valueSerde().serializer().serialize(partition.topic(), command))).get(30, TimeUnit.SECONDS);
        }
    }

    /** The partitions each instance holds once the group is stable, by instance id (Spring adds -0, -1... per consumer). */
    private Map<String, Set<TopicPartition>> partitionsByInstance(Admin admin) throws Exception {
        ConsumerGroupDescription description;
        try {
            description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of(); // no instance has joined yet
            }
            throw e;
        }
        if (description.groupState() != GroupState.STABLE) {
            return Map.of();
        }
        return description.members().stream().filter(m -> m.groupInstanceId().isPresent()).collect(Collectors.groupingBy(
                m -> m.groupInstanceId().get().replaceFirst("-[0-9]+$", ""),
                Collectors.flatMapping((MemberDescription m) -> m.assignment().topicPartitions().stream(), Collectors.toSet())));
    }

    private KafkaConsumer<String, byte[]> resultReader() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(results.name()));
        return consumer;
    }

    /** The results one poll brings, by the command id they answer. */
    private Map<String, R> answered(KafkaConsumer<String, byte[]> answers) {
        Map<String, R> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : answers.poll(Duration.ofMillis(100))) {
            R result = results.valueSerde().deserializer().deserialize(r.topic(), r.value());
            byId.put(answeredIdOf.apply(result), result);
        }
        return byId;
    }
}
