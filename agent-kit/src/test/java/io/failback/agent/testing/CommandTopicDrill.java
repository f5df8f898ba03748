package io.failback.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.failback.schemas.DeadLetterHeaders;
import io.failback.schemas.Topic;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An agent's command topic seen from outside, as both agents' integration tests drive it: commands in as the
 * orchestrator writes them, results and dead letters read committed; and the failure drills both agents
 * must pass the same way (an unreadable record, a result the broker refuses, a result and a dead letter it
 * both refuses), each with its assertions on what a user of the topics would see.
 *
 * @param <C> the agent's command type
 * @param <R> its result type
 */
public final class CommandTopicDrill<C, R> implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** How long the agent under drill retries a command before giving up on it: see {@link #RETRY_SETTINGS}. */
    public static final Duration GIVE_UP_AFTER = Duration.ofMillis(1500);

    /** The longest pause of the agent's back-off under drill. */
    public static final Duration MAX_DELAY = Duration.ofMillis(400);

    /** The agent settings the drills expect: a short bounded back-off, so that giving up takes seconds. */
    public static final Map<String, String> RETRY_SETTINGS = Map.of("failback.agent.retry.initial-delay", "100ms",
            "failback.agent.retry.max-delay", MAX_DELAY.toMillis() + "ms", "failback.agent.retry.give-up-after", GIVE_UP_AFTER.toString());

    private final String group;
    private final Topic<String, C> commands;
    private final Topic<String, R> results;
    private final Topic<byte[], byte[]> deadLetters;
    private final Function<C, String> commandIdOf;
    private final Function<C, String> keyOf;
    private final Function<R, String> answeredIdOf;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> answers;
    private final KafkaProbe probe;
    private final Map<String, ConsumerRecord<String, R>> answered = new HashMap<>();

    public CommandTopicDrill(String bootstrap, String group, Topic<String, C> commands, Topic<String, R> results,
                             Topic<byte[], byte[]> deadLetters, Function<C, String> commandIdOf, Function<C, String> keyOf,
                             Function<R, String> answeredIdOf) {
        this.group = group;
        this.commands = commands;
        this.results = results;
        this.deadLetters = deadLetters;
        this.commandIdOf = commandIdOf;
        this.keyOf = keyOf;
        this.answeredIdOf = answeredIdOf;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer());
        this.answers = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        this.answers.subscribe(List.of(results.name()));
        this.probe = new KafkaProbe(bootstrap);
    }

    public KafkaProbe probe() {
        return probe;
    }

    public byte[] encode(C command) {
        return commands.valueSerde().serializer().serialize(commands.name(), command);
    }

    /** Sends the command keyed as the orchestrator keys it. */
    public RecordMetadata send(C command) throws Exception {
        return send(keyOf.apply(command), encode(command));
    }

    public RecordMetadata send(String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(commands.name(), key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Writes the command in a transaction of its own, committed or aborted. */
    public void sendInTransaction(boolean commit, C command) throws Exception {
        probe.inTransaction(commit, List.of(new ProducerRecord<>(commands.name(), keyOf.apply(command), encode(command))));
    }

    /** The first committed answer to the command, with its key, once it comes. */
    public ConsumerRecord<String, R> awaitAnswer(C command) {
        String id = commandIdOf.apply(command);
        return await().atMost(PATIENCE).pollInSameThread().until(() -> {
            for (ConsumerRecord<String, byte[]> r : answers.poll(Duration.ofMillis(200))) {
                R result = results.valueSerde().deserializer().deserialize(r.topic(), r.value());
                answered.putIfAbsent(answeredIdOf.apply(result), new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), result));
            }
            return answered.get(id);
        }, r -> r != null);
    }

    public R awaitResult(C command) {
        return awaitAnswer(command).value();
    }

    /** Every committed result of the command: read after its answer, to count answers. */
    public List<R> committedResultsOf(C command) {
        String id = commandIdOf.apply(command);
        return probe.readCommitted(results.name()).stream()
                .map(r -> results.valueSerde().deserializer().deserialize(r.topic(), r.value()))
                .filter(r -> answeredIdOf.apply(r).equals(id)).toList();
    }

    /** The committed dead letters of the record written at {@code source}. */
    public List<ConsumerRecord<String, byte[]>> deadLettersOf(RecordMetadata source) {
        return probe.readCommitted(deadLetters.name()).stream()
                .filter(r -> header(r, DeadLetterHeaders.SOURCE_PARTITION).equals(Integer.toString(source.partition()))
                        && header(r, DeadLetterHeaders.SOURCE_OFFSET).equals(Long.toString(source.offset())))
                .toList();
    }

    public long committedOffset(RecordMetadata written) throws Exception {
        return probe.committedOffset(group, new TopicPartition(written.topic(), written.partition()));
    }

    /** How the agent's log names the record written there: {@code topic-partition@offset:}. */
    public static String at(RecordMetadata written) {
        return written.topic() + "-" + written.partition() + "@" + written.offset() + ":";
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The single-object header of {@code sample}'s type, then a length prefix of {@code length} for its first
     * string and nothing more: a record that declares more than the bytes hold (issue 10's hang).
     */
    public byte[] withFirstStringLength(C sample, long length) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Arrays.copyOf(encode(sample), 10));
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(length);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the unreadable-record drill saw: the answer to the command behind the record, and the problem its dead letter names. */
    public record DeadLettered<R>(R answer, String problem) {
    }

    /**
     * Drill: a record that is no readable command, then {@code next} with the same key (so on the same
     * partition). The record goes to the dead-letter topic once, byte for byte with its key, with its source
     * and this service in its headers, and one ERROR line says so, without a line forged by the key; it is
     * not retried; {@code next} is answered.
     */
    public DeadLettered<R> assertDeadLettersOnceAndGoesOn(String key, byte[] unreadable, C next, String service, Supplier<String> log)
            throws Exception {
        RecordMetadata written = send(key, unreadable);
        send(key, encode(next));

        R answer = awaitResult(next);
        // The command after it on the same partition is answered, so the dead letter is committed by now.
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(unreadable);
        assertThat(dead.get(0).key()).isEqualTo(key);
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(commands.name());
        assertThat(header(dead.get(0), DeadLetterHeaders.SERVICE)).isEqualTo(service);
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isNotBlank();
        assertThat(log.get().lines().filter(l -> l.contains(at(written)))).singleElement()
                .satisfies(line -> assertThat(line).contains("ERROR").contains("unreadable command"));
        assertThat(log.get()).doesNotContain("Record in retry");
        for (String forged : key.lines().skip(1).toList()) {
            assertThat(log.get()).doesNotContainPattern("(?m)^" + Pattern.quote(forged));
        }
        return new DeadLettered<>(answer, header(dead.get(0), DeadLetterHeaders.PROBLEM));
    }

    /**
     * Drill: the broker refuses the dead letter of an unreadable record for a while. The agent does not spin:
     * it tries again at most once per retry max-delay (an unreadable record gets no back-off of its own), and
     * once dead letters are taken, the record is dead-lettered once and {@code next} behind it is answered.
     *
     * @return the answer to {@code next}
     */
    public R assertUnreadableRecordWaitsWhileItsDeadLetterIsRefused(String key, byte[] unreadable, C next, Supplier<String> log)
            throws Exception {
        RecordMetadata written;
        Duration threeAttempts;
        probe.limitRecordSize(deadLetters.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        try {
            written = send(key, unreadable);
            send(key, encode(next));
            String attempt = "unreadable command at " + at(written);
            await().atMost(PATIENCE).until(() -> log.get().lines().filter(l -> l.contains(attempt)).count() >= 1);
            long first = System.nanoTime();
            await().atMost(PATIENCE).until(() -> log.get().lines().filter(l -> l.contains(attempt)).count() >= 3);
            threeAttempts = Duration.ofNanos(System.nanoTime() - first);
        } finally {
            probe.restoreRecordSize(deadLetters.name());
        }
        R answer = awaitResult(next);

        assertThat(threeAttempts).as("two pauses of the retry max-delay between three attempts")
                .isGreaterThanOrEqualTo(MAX_DELAY.multipliedBy(2));
        assertThat(deadLettersOf(written)).hasSize(1);
        return answer;
    }

    /**
     * Drill: the broker refuses every result while {@code refused} is sent. The agent retries for the bounded
     * back-off, then gives up: one dead letter of the command as sent, naming RecordTooLargeException, no
     * result, one ERROR line; then {@code next} on the same partition is answered.
     *
     * @return the answer to {@code next}
     */
    public R assertGivesUpAfterBoundedRetryAndGoesOn(C refused, C next, Supplier<String> log) throws Exception {
        RecordMetadata written;
        long started = System.nanoTime();
        probe.limitRecordSize(results.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        try {
            written = send(refused);
            await().atMost(PATIENCE).until(() -> !deadLettersOf(written).isEmpty());
        } finally {
            probe.restoreRecordSize(results.name());
        }
        Duration tookToGiveUp = Duration.ofNanos(System.nanoTime() - started);
        send(next);

        R answer = awaitResult(next);
        List<ConsumerRecord<String, byte[]>> dead = deadLettersOf(written);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(encode(refused));
        assertThat(header(dead.get(0), DeadLetterHeaders.PROBLEM)).isEqualTo("RecordTooLargeException");
        assertThat(tookToGiveUp).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
        assertThat(committedResultsOf(refused)).isEmpty();
        assertThat(log.get().lines().filter(l -> l.contains("gave up on command at " + at(written)))).singleElement()
                .satisfies(line -> assertThat(line).contains("ERROR").contains("RecordTooLargeException"));
        return answer;
    }

    /**
     * Drill: the broker refuses both the result and the dead letter of {@code stuck}. The agent gives up twice,
     * the whole back-off apart (no tight loop), commits nothing meanwhile, and answers once, without a dead
     * letter, when results are taken again.
     *
     * @return the one answer to {@code stuck}
     */
    public R assertStaysUncommittedWhileNothingCanBeWritten(C stuck, Supplier<String> log) throws Exception {
        RecordMetadata written;
        R answer;
        probe.limitRecordSize(results.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        probe.limitRecordSize(deadLetters.name(), KafkaProbe.REFUSES_RECORDS_NOT_MARKERS);
        try {
            written = send(stuck);
            String giveUp = "gave up on command at " + at(written);
            await().atMost(PATIENCE).until(() -> log.get().lines().filter(l -> l.contains(giveUp)).count() >= 1);
            long firstGiveUp = System.nanoTime();
            await().atMost(PATIENCE).until(() -> log.get().lines().filter(l -> l.contains(giveUp)).count() >= 2);
            assertThat(Duration.ofNanos(System.nanoTime() - firstGiveUp)).isGreaterThanOrEqualTo(GIVE_UP_AFTER);
            assertThat(committedOffset(written)).isLessThanOrEqualTo(written.offset());
            probe.restoreRecordSize(results.name());
            answer = awaitResult(stuck);
        } finally {
            probe.restoreRecordSize(results.name());
            probe.restoreRecordSize(deadLetters.name());
        }

        assertThat(committedResultsOf(stuck)).hasSize(1);
        assertThat(deadLettersOf(written)).isEmpty();
        assertThat(committedOffset(written)).isGreaterThan(written.offset());
        return answer;
    }

    @Override
    public void close() {
        producer.close();
        answers.close();
        probe.close();
    }
}
