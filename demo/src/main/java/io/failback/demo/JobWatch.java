package io.failback.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ReprotectOptions;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmStatus;
import io.failback.schemas.Acls;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A requester's view of the system for the end-to-end tests: publishes requests and control commands,
 * and follows the status topic, keeping every job's latest job status and each VM's latest status.
 */
public final class JobWatch implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private SandboxOperators operators;
    private final List<StatusEvent> events = new CopyOnWriteArrayList<>();
    private final List<io.failback.messages.AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final List<String> unreadable = new CopyOnWriteArrayList<>();
    private final ConsumerThread reader;

    /** @param client the operator's client settings (bootstrap servers, and its TLS settings on a secured broker) */
    public JobWatch(Map<String, Object> client) {
        Map<String, Object> producerConfig = new java.util.HashMap<>(client);
        producerConfig.putAll(Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        producer = new KafkaProducer<>(producerConfig);
        Map<String, Object> consumerConfig = new java.util.HashMap<>(client);
        consumerConfig.putAll(Map.of(ConsumerConfig.GROUP_ID_CONFIG, Acls.OPERATOR_GROUP_PREFIX + "watch-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
        consumer.subscribe(List.of(Topics.STATUS.name(), Topics.AUDIT.name()));
        reader = ConsumerThread.start("e2e-status", consumer, this::take);
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.topic().equals(Topics.STATUS.name())) {
                events.add(Topics.STATUS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } else {
                audit.add(Topics.AUDIT.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
        } catch (RuntimeException e) {
            // the orchestrator is the only writer: a record it wrote that can't be read is a finding, kept
            unreadable.add(r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
        }
    }

    public static FailbackRequest.Builder plan(String requestId, String planId) {
        return FailbackRequest.newBuilder().setRequestId(requestId).setRequestedBy("e2e@example.org").setRequestedAt(Instant.now())
                .setPlanId(planId).setRecoveryPoint(RecoveryPointKind.LATEST).setCommitPolicy(new CommitPolicy(CommitPolicyKind.MANUAL, 0));
    }

    public static FailbackRequest.Builder vms(String requestId, String... vmIds) {
        return FailbackRequest.newBuilder().setRequestId(requestId).setRequestedBy("e2e@example.org").setRequestedAt(Instant.now())
                .setVmIds(List.of(vmIds)).setRecoveryPoint(RecoveryPointKind.LATEST).setCommitPolicy(new CommitPolicy(CommitPolicyKind.MANUAL, 0));
    }

    public static ReprotectOptions reprotect(String processServer) {
        return new ReprotectOptions(processServer);
    }

    /**
     * Signs what this watch sends with the sandbox's operators (issue 15): requests and cancels by the requester,
     * commits and retries by the approver. Without them it sends unsigned, for an orchestrator in its unsigned mode.
     */
    public JobWatch signedBy(SandboxOperators operators) {
        this.operators = operators;
        return this;
    }

    public void submit(FailbackRequest request) {
        io.failback.schemas.signing.OperatorKey signer = signer("submit");
        FailbackRequest r = signer == null ? request : FailbackRequest.newBuilder(request).setRequestedBy(signer.operator()).build();
        send(Topics.REQUESTS.name(), r.getRequestId(), Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), r), signer);
    }

    public void control(String jobId, ControlAction action) {
        io.failback.schemas.signing.OperatorKey signer = signer(action.name().toLowerCase(java.util.Locale.ROOT));
        ControlCommand c = new ControlCommand(jobId + ":" + action + ":" + System.nanoTime(), jobId, action,
                signer == null ? "e2e@example.org" : signer.operator(), Instant.now(), null);
        send(Topics.CONTROL.name(), jobId, Topics.CONTROL.valueSerde().serializer().serialize(Topics.CONTROL.name(), c), signer);
    }

    private io.failback.schemas.signing.OperatorKey signer(String command) {
        return operators == null ? null : operators.key(SandboxOperators.signerOf(command));
    }

    private void send(String topic, String key, byte[] value, io.failback.schemas.signing.OperatorKey signer) {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        if (signer != null) {
            io.failback.schemas.signing.Signatures.sign(headers, signer, topic, key, value, System.currentTimeMillis());
        }
        try {
            // long enough to outlast a broker that is being restarted
            producer.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers)).get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Status and audit records that could not be read, described; none is expected. */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /** Every status event seen so far, in order. */
    public List<StatusEvent> statusEvents() {
        return List.copyOf(events);
    }

    /** Every audit record seen so far, in order. */
    public List<io.failback.messages.AuditRecord> auditRecords() {
        return List.copyOf(audit);
    }

    /** The job's audit trail so far, in order. */
    public List<io.failback.messages.AuditRecord> audit(String jobId) {
        List<io.failback.messages.AuditRecord> out = new ArrayList<>();
        for (io.failback.messages.AuditRecord a : audit) {
            if (a.getJobId().equals(jobId)) {
                out.add(a);
            }
        }
        return out;
    }

    public JobStatus job(String jobId) {
        JobStatus last = null;
        for (StatusEvent e : events) {
            if (e.getJobId().equals(jobId) && e.getJob() != null) {
                last = e.getJob();
            }
        }
        return last;
    }

    public JobState state(String jobId) {
        JobStatus job = job(jobId);
        return job == null ? null : job.getState();
    }

    /** Each VM's latest status in the job, in first-seen order. */
    public Map<String, VmStatus> vms(String jobId) {
        Map<String, VmStatus> vms = new LinkedHashMap<>();
        for (StatusEvent e : events) {
            if (e.getJobId().equals(jobId) && e.getVm() != null) {
                vms.put(e.getVm().getVmId(), e.getVm());
            }
        }
        return vms;
    }

    /** Every status a VM went through in the job, in order. */
    public List<VmStatus> history(String jobId, String vmId) {
        List<VmStatus> out = new ArrayList<>();
        for (StatusEvent e : events) {
            if (e.getJobId().equals(jobId) && e.getVm() != null && e.getVm().getVmId().equals(vmId)) {
                out.add(e.getVm());
            }
        }
        return out;
    }

    /** Waits until the job's state is one of {@code states}; fails with the job's last status otherwise. */
    public JobState await(String jobId, Duration timeout, Set<JobState> states) {
        return awaitJob(jobId, timeout, j -> j != null && states.contains(j.getState()), "one of " + states).getState();
    }

    public JobStatus awaitJob(String jobId, Duration timeout, Predicate<JobStatus> condition, String what) {
        try {
            return Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .until(() -> job(jobId), condition::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("job " + jobId + " did not reach " + what + " within " + timeout + "; last: " + job(jobId)
                    + "\nVMs: " + vms(jobId).values());
        }
    }

    @Override
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
