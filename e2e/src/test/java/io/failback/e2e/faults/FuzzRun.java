package io.failback.e2e.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.failback.demo.JobWatch;
import io.failback.messages.AuditKind;
import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.LogSafe;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Writes generated inputs with a raw byte producer onto the topics clients write, then accounts for
 * every one the way the system promises: an input no service can read is on that service's dead-letter
 * topic exactly once; a readable request or control command is refused with a reason on the status or
 * audit topic; a readable agent command is answered (or dead-lettered once). Inputs that would name the
 * estate's real VMs are not sent: the agents would act on them.
 */
public final class FuzzRun {

    /** What the system owes an input. */
    public enum Expect { DEAD_LETTER, REFUSAL, ANSWER, NOTHING }

    /** One input as written: where it landed and what is owed for it. */
    public record Sent(FuzzInput input, int partition, long offset, Expect expect, String id) {
        public String source() {
            return DeadLetterLog.source(input.topic(), partition, offset);
        }

        @Override
        public String toString() {
            return input.kind() + " on " + source() + " owed " + expect + (id == null ? "" : " (" + LogSafe.of(id, 60) + ")")
                    + ": " + LogSafe.of(input.description(), 160);
        }
    }

    private final List<Sent> sent;
    private final int skipped;
    private final int refusedByBroker;
    private final Map<TopicPartition, Long> deadLetterMarks;
    private final Map<TopicPartition, Long> resultMarks;
    private final long sentAtNanos;

    private FuzzRun(List<Sent> sent, int skipped, int refusedByBroker, Map<TopicPartition, Long> deadLetterMarks,
                    Map<TopicPartition, Long> resultMarks) {
        this.sent = sent;
        this.skipped = skipped;
        this.refusedByBroker = refusedByBroker;
        this.deadLetterMarks = deadLetterMarks;
        this.resultMarks = resultMarks;
        this.sentAtNanos = System.nanoTime();
    }

    /**
     * Sends {@code count} inputs from the source. Those naming the estate are skipped, and those the broker
     * refuses as larger than the topic takes never reach a service; neither is counted.
     */
    public static FuzzRun send(Map<String, Object> kafka, FuzzSource source, int count, EstateSpec estate) {
        Map<TopicPartition, Long> deadLetterMarks = DeadLetterLog.marks(kafka);
        Map<TopicPartition, Long> resultMarks = TopicRead.endOffsets(kafka, List.of(Topics.VCENTER_EVENTS.name(), Topics.AZURE_EVENTS.name()));
        Set<String> real = realNames(estate);
        List<CompletableFuture<Sent>> sends = new ArrayList<>();
        int skipped = 0;
        int refusedByBroker = 0;
        Map<String, Object> producerConfig = new java.util.HashMap<>(kafka);
        producerConfig.putAll(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5",
                // the broker, not this producer, decides what is too large for a topic
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            while (sends.size() - refusedByBroker < count) {
                FuzzInput input = source.next();
                Owed owed = owed(input);
                if (owed.readable() != null && namesAny(owed.readable(), real)) {
                    skipped++;
                    continue;
                }
                CompletableFuture<Sent> done = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(input.topic(), input.partition(), input.key(), input.value()), (RecordMetadata m, Exception e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(new Sent(input, m.partition(), m.offset(), owed.expect(), owed.id()));
                    }
                });
                sends.add(done);
                if (sends.size() - refusedByBroker == count) {
                    producer.flush();
                    refusedByBroker = (int) sends.stream().filter(FuzzRun::tooLarge).count();
                }
            }
            producer.flush();
        }
        List<Sent> sent = new ArrayList<>();
        for (CompletableFuture<Sent> s : sends) {
            if (tooLarge(s)) {
                continue;
            }
            try {
                sent.add(s.get(2, TimeUnit.MINUTES));
            } catch (Exception e) {
                throw new IllegalStateException("a fuzz input could not be written: " + e.getMessage(), e);
            }
        }
        return new FuzzRun(Collections.unmodifiableList(sent), skipped, refusedByBroker, deadLetterMarks, resultMarks);
    }

    private static boolean tooLarge(CompletableFuture<Sent> send) {
        try {
            send.get(2, TimeUnit.MINUTES);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.RecordTooLargeException;
        } catch (Exception e) {
            return false;
        }
    }

    private record Owed(Expect expect, String id, Object readable) {
    }

    /** Decides by the same catalog serde the services read with. */
    private static Owed owed(FuzzInput input) {
        boolean agentTopic = input.topic().equals(Topics.VCENTER_COMMANDS.name()) || input.topic().equals(Topics.AZURE_COMMANDS.name());
        Object value;
        try {
            value = topic(input.topic()).valueSerde().deserializer().deserialize(input.topic(), input.value());
        } catch (RuntimeException unreadable) {
            return new Owed(Expect.DEAD_LETTER, null, null);
        }
        if (value == null) {
            // the agents dead-letter a command without a value; the orchestrator reads a tombstone as nothing to do
            return new Owed(agentTopic ? Expect.DEAD_LETTER : Expect.NOTHING, null, null);
        }
        if (value instanceof FailbackRequest r) {
            return new Owed(Expect.REFUSAL, r.getRequestId(), r);
        }
        if (value instanceof ControlCommand c) {
            return new Owed(Expect.REFUSAL, c.getJobId(), c);
        }
        if (value instanceof VcenterCommand c) {
            return new Owed(Expect.ANSWER, c.getCommandId(), c);
        }
        AzureCommand c = (AzureCommand) value;
        return new Owed(Expect.ANSWER, c.getCommandId(), c);
    }

    private static Topic<?, ?> topic(String name) {
        return Topics.ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Set<String> realNames(EstateSpec estate) {
        Set<String> names = new HashSet<>();
        for (VmSpec vm : estate.vms()) {
            names.add(vm.vmId());
            names.add(vm.onPremisesVm());
            names.add(vm.masterTarget());
            names.add(vm.azureVmName());
        }
        estate.plans().forEach(p -> names.add(p.planId()));
        return names;
    }

    private static boolean namesAny(Object record, Set<String> names) {
        String text = record.toString();
        return names.stream().anyMatch(text::contains);
    }

    public List<Sent> sent() {
        return sent;
    }

    public int skipped() {
        return skipped;
    }

    public int refusedByBroker() {
        return refusedByBroker;
    }

    /** How the owed answers stand now. */
    public record Account(int inputs, Map<Expect, Integer> owed, int deadLetters, List<String> missing, Map<String, Integer> missingByTopic,
                          List<String> duplicated, List<String> stray) {
        public boolean settled() {
            return missing.isEmpty();
        }

        public String summary() {
            return inputs + " inputs " + owed + "; " + deadLetters + " dead letters; " + missing.size() + " unaccounted "
                    + missingByTopic + ", " + duplicated.size() + " dead-lettered more than once, " + stray.size() + " other dead letters";
        }
    }

    public Account account(Map<String, Object> kafka, JobWatch watch) {
        Map<String, List<DeadLetterLog.DeadLetter>> deadLetters = new HashMap<>();
        List<DeadLetterLog.DeadLetter> all = DeadLetterLog.since(kafka, deadLetterMarks);
        all.forEach(d -> deadLetters.computeIfAbsent(d.source(), k -> new ArrayList<>()).add(d));
        Set<String> answered = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicRead.since(kafka, List.of(Topics.VCENTER_EVENTS.name(), Topics.AZURE_EVENTS.name()),
                resultMarks, IsolationLevel.READ_COMMITTED)) {
            try {
                answered.add(r.topic().equals(Topics.VCENTER_EVENTS.name())
                        ? Topics.VCENTER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()).getCommandId()
                        : Topics.AZURE_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()).getCommandId());
            } catch (RuntimeException e) {
                // an agent's result that can't be read shows up as a missing answer
            }
        }
        Set<String> refusedJobs = new HashSet<>();
        for (StatusEvent e : watch.statusEvents()) {
            if (e.getJob() != null && e.getJob().getState() == JobState.REJECTED && !e.getJob().getReasons().isEmpty()) {
                refusedJobs.add(e.getJobId());
            }
        }
        Map<String, Integer> controlRefusals = new HashMap<>();
        for (AuditRecord a : watch.auditRecords()) {
            if (a.getKind() == AuditKind.REFUSAL) {
                refusedJobs.add(a.getJobId());
                controlRefusals.merge(a.getJobId(), 1, Integer::sum);
            }
        }

        Map<Expect, Integer> owed = new EnumMap<>(Expect.class);
        List<String> missing = new ArrayList<>();
        Map<String, Integer> missingByTopic = new java.util.TreeMap<>();
        java.util.function.BiConsumer<Sent, String> miss = (s, why) -> {
            missing.add(s + ": " + why);
            missingByTopic.merge(s.input().topic(), 1, Integer::sum);
        };
        Set<String> sources = new HashSet<>();
        Map<String, Integer> controlsOwed = new HashMap<>();
        for (Sent s : sent) {
            owed.merge(s.expect(), 1, Integer::sum);
            sources.add(s.source());
            List<DeadLetterLog.DeadLetter> dl = deadLetters.getOrDefault(s.source(), List.of());
            switch (s.expect()) {
                case DEAD_LETTER -> {
                    String dlt = deadLetterTopicOf(s.input().topic());
                    if (dl.stream().noneMatch(d -> d.topic().equals(dlt))) {
                        miss.accept(s, "not on " + dlt);
                    }
                }
                case ANSWER -> {
                    if (!answered.contains(s.id()) && dl.isEmpty()) {
                        miss.accept(s, "neither answered nor dead-lettered");
                    }
                }
                case REFUSAL -> {
                    if (s.input().topic().equals(Topics.CONTROL.name())) {
                        controlsOwed.merge(s.id(), 1, Integer::sum);
                    } else if (!refusedJobs.contains(s.id()) && !refusedJobs.contains(LogSafe.of(s.id(), 64)) && dl.isEmpty()) {
                        miss.accept(s, "not refused on " + Topics.STATUS.name() + " or " + Topics.AUDIT.name());
                    }
                }
                case NOTHING -> {
                    // a tombstone on an orchestrator topic carries nothing to refuse
                }
            }
        }
        for (Sent s : sent) {
            if (s.expect() == Expect.REFUSAL && s.input().topic().equals(Topics.CONTROL.name())
                    && refusals(controlRefusals, s.id()) < controlsOwed.get(s.id())
                    && deadLetters.getOrDefault(s.source(), List.of()).isEmpty()) {
                miss.accept(s, controlsOwed.get(s.id()) + " control command(s) for this job, fewer refusals on " + Topics.AUDIT.name());
            }
        }
        List<String> duplicated = new ArrayList<>();
        List<String> stray = new ArrayList<>();
        deadLetters.forEach((source, list) -> {
            if (list.size() > 1) {
                duplicated.add(source + " dead-lettered " + list.size() + " times: " + list);
            }
            if (!sources.contains(source)) {
                stray.addAll(list.stream().map(DeadLetterLog.DeadLetter::toString).toList());
            }
        });
        return new Account(sent.size(), owed, all.size(), missing, missingByTopic, duplicated, stray);
    }

    /** Refusals of a job id as given or, when it is not a valid id, as the orchestrator quotes it. */
    private static int refusals(Map<String, Integer> byJob, String id) {
        String quoted = LogSafe.of(id, 64);
        return byJob.getOrDefault(id, 0) + (quoted.equals(id) ? 0 : byJob.getOrDefault(quoted, 0));
    }

    /** Polls the account until every input is accounted for, a service gives up, or the timeout passes. */
    public Account awaitSettled(Map<String, Object> kafka, JobWatch watch, Duration timeout, BooleanSupplier giveUp) {
        AtomicReference<Account> account = new AtomicReference<>();
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2)).until(() -> {
                account.set(account(kafka, watch));
                return account.get().settled() || giveUp.getAsBoolean();
            });
        } catch (ConditionTimeoutException e) {
            // not settled within the timeout: the caller reports what is still unaccounted for
        }
        return account.get() != null ? account.get() : account(kafka, watch);
    }

    /** Since the last input was acknowledged by the broker. */
    public Duration sinceSent() {
        return Duration.ofNanos(System.nanoTime() - sentAtNanos);
    }

    static String deadLetterTopicOf(String sourceTopic) {
        if (sourceTopic.equals(Topics.VCENTER_COMMANDS.name())) {
            return Topics.VCENTER_COMMANDS_DLT.name();
        }
        if (sourceTopic.equals(Topics.AZURE_COMMANDS.name())) {
            return Topics.AZURE_COMMANDS_DLT.name();
        }
        return Topics.ORCHESTRATOR_DLT.name();
    }
}
