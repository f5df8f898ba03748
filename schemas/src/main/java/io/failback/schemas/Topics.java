package io.failback.schemas;

import java.util.List;

import io.failback.messages.AuditRecord;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InventoryRecord;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationResult;
import io.failback.messages.StatusEvent;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VmClaim;
import io.failback.messages.VmClaimAnswer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import static io.failback.schemas.Topic.CleanupPolicy.COMPACT;
import static io.failback.schemas.Topic.CleanupPolicy.DELETE;

/**
 * The one catalog of failback topics. Every service, tool and test takes topic names and serdes from
 * here; no topic name is written anywhere else. Commands are keyed by VM id so they spread over agent
 * instances; results, status and audit by job id so they come back to the partition owning the job.
 */
public final class Topics {

    /** Partitions of the busy topics: enough for a few instances of each service. */
    public static final int PARTITIONS = 6;

    /** The largest record value any service reads or writes; a larger one is refused as unreadable. */
    public static final int MAX_RECORD_BYTES = AvroSerde.MAX_RECORD_BYTES;
    /** {@code max.message.bytes} of every Avro topic: the largest record, its key and headers, and batch overhead. */
    public static final int MAX_MESSAGE_BYTES = MAX_RECORD_BYTES + (64 << 10);
    /** {@code max.message.bytes} of every dead-letter topic: whatever an input topic took, and the error headers. */
    public static final int DEAD_LETTER_MAX_MESSAGE_BYTES = 2 * MAX_MESSAGE_BYTES;
    /** The {@code max.request.size} a producer needs to write any record the catalog's topics take. */
    public static final int MAX_REQUEST_BYTES = DEAD_LETTER_MAX_MESSAGE_BYTES + (64 << 10);

    private static final Serde<String> KEY = Serdes.String();
    private static final Serde<byte[]> RAW = Serdes.ByteArray();

    public static final Topic<String, FailbackRequest> REQUESTS = avro("failback.requests", FailbackRequest.class,
            PARTITIONS, DELETE, "failback requests; key = requestId, any partitioner");
    public static final Topic<String, ControlCommand> CONTROL = avro("failback.control", ControlCommand.class,
            PARTITIONS, DELETE, "commit and cancel; key = jobId, any partitioner");
    public static final Topic<String, InventoryRecord> INVENTORY = avro("failback.inventory", InventoryRecord.class,
            PARTITIONS, COMPACT, "protected items, plans, heartbeats, agent registrations; key = item/{vmId}, plan/{planId}, ...");
    public static final Topic<String, RecoveryPoint> RECOVERY_POINTS = avro("failback.recovery-points", RecoveryPoint.class,
            PARTITIONS, COMPACT, "recovery points; key = {vmId}/{pointId}; a tombstone expires one");
    public static final Topic<String, VcenterCommand> VCENTER_COMMANDS = avro("failback.vcenter.commands", VcenterCommand.class,
            PARTITIONS, DELETE, "orchestrator to vcenter-agent; key = vmId");
    public static final Topic<String, VcenterResult> VCENTER_EVENTS = avro("failback.vcenter.events", VcenterResult.class,
            PARTITIONS, DELETE, "vcenter-agent results; key = jobId");
    public static final Topic<String, AzureCommand> AZURE_COMMANDS = avro("failback.azure.commands", AzureCommand.class,
            PARTITIONS, DELETE, "orchestrator to azure-agent; key = vmId");
    public static final Topic<String, AzureResult> AZURE_EVENTS = avro("failback.azure.events", AzureResult.class,
            PARTITIONS, DELETE, "azure-agent results; key = jobId");
    public static final Topic<String, ReplicationCommand> REPLICATION_COMMANDS = avro("failback.replication.commands",
            ReplicationCommand.class, PARTITIONS, DELETE, "orchestrator to the replication engine (reprotect); key = vmId");
    public static final Topic<String, ReplicationResult> REPLICATION_EVENTS = avro("failback.replication.events",
            ReplicationResult.class, PARTITIONS, DELETE, "replication engine results; key = jobId, any partitioner");
    public static final Topic<String, StatusEvent> STATUS = avro("failback.status", StatusEvent.class,
            PARTITIONS, DELETE, "job and VM status at every transition; key = jobId");
    /**
     * How long the audit trail is kept: seven years, the usual span auditors ask records to be kept for. Set
     * explicitly so that no broker default (seven days) silently drops it; shorten it per deployment with
     * {@code kafka-configs --alter --add-config retention.ms=...} if the audit is archived elsewhere.
     */
    public static final java.time.Duration AUDIT_RETENTION = java.time.Duration.ofDays(7 * 365 + 2);

    public static final Topic<String, AuditRecord> AUDIT = avro("failback.audit", AuditRecord.class,
            PARTITIONS, DELETE, "every command, result and decision; key = jobId; kept 7 years").withRetention(AUDIT_RETENTION);
    /**
     * The latest status of every job and VM, compacted, for dashboards that start late: a job's latest
     * {@link StatusEvent} (its {@code job} set) under {@link #jobStateKey}, a VM's (its {@code vm} set) under
     * {@link #vmStateKey}. Written by the orchestrator in the same transaction as {@link #STATUS}, every record of a job
     * on the partition its status records take ({@link #jobStatePartition}): a key always lands on the one partition, so
     * compaction keeps its latest, and a transaction adds one partition for a job's statuses, not one per VM.
     */
    public static final Topic<String, StatusEvent> JOB_STATE = avro("failback.job-state", StatusEvent.class,
            PARTITIONS, COMPACT, "latest job and VM status, for dashboards; key = job/{jobId}, vm/{jobId}/{vmId}; partitioned by jobId");
    public static final Topic<String, VmClaim> VM_CLAIMS = avro("failback.orchestrator.vm-claims", VmClaim.class,
            PARTITIONS, DELETE, "orchestrator-internal: claim or release a VM for a job; key = vmId");
    public static final Topic<String, VmClaimAnswer> VM_CLAIM_ANSWERS = avro("failback.orchestrator.vm-claim-answers",
            VmClaimAnswer.class, PARTITIONS, DELETE, "orchestrator-internal: claim granted or refused; key = jobId");

    public static final Topic<String, OrchestratorInput> ORCHESTRATOR_INPUTS = avro("failback.orchestrator.inputs",
            OrchestratorInput.class, PARTITIONS, DELETE,
            "orchestrator-internal: requests, control and replication results routed to the job's partition; key = jobId");

    public static final Topic<byte[], byte[]> ORCHESTRATOR_DLT = deadLetter("failback.orchestrator.dlt",
            "records the orchestrator could not read, with the error in headers");
    public static final Topic<byte[], byte[]> VCENTER_COMMANDS_DLT = deadLetter("failback.vcenter.commands.dlt",
            "vCenter commands the agent could not read");
    public static final Topic<byte[], byte[]> AZURE_COMMANDS_DLT = deadLetter("failback.azure.commands.dlt",
            "Azure commands the agent could not read");
    public static final Topic<byte[], byte[]> REPLICATION_COMMANDS_DLT = deadLetter("failback.replication.commands.dlt",
            "replication commands the replication simulator could not read");

    /** Every topic, in the order of the README's table. */
    public static final List<Topic<?, ?>> ALL = List.of(REQUESTS, CONTROL, INVENTORY, RECOVERY_POINTS,
            VCENTER_COMMANDS, VCENTER_EVENTS, AZURE_COMMANDS, AZURE_EVENTS, REPLICATION_COMMANDS, REPLICATION_EVENTS,
            STATUS, AUDIT, JOB_STATE, VM_CLAIMS, VM_CLAIM_ANSWERS, ORCHESTRATOR_INPUTS, ORCHESTRATOR_DLT, VCENTER_COMMANDS_DLT, AZURE_COMMANDS_DLT, REPLICATION_COMMANDS_DLT);

    private Topics() {
    }

    /** The {@link #JOB_STATE} key of a job's latest status. */
    public static String jobStateKey(String jobId) {
        return "job/" + jobId;
    }

    /** The {@link #JOB_STATE} key of a VM's latest status in a job (job ids never hold a {@code /}; VM ids neither). */
    public static String vmStateKey(String jobId, String vmId) {
        return "vm/" + jobId + "/" + vmId;
    }

    /** Where a status event goes on {@link #JOB_STATE}: its VM's key if it is a VM's status, else its job's. */
    public static String jobStateKey(StatusEvent event) {
        return event.getVm() != null ? vmStateKey(event.getJobId(), event.getVm().getVmId()) : jobStateKey(event.getJobId());
    }

    /**
     * The {@link #JOB_STATE} partition of a job's records: the one the default partitioner gives the job id, as the
     * job's {@link #STATUS} records (keyed by job id) take.
     */
    public static int jobStatePartition(String jobId, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> avro(
            String name, Class<V> type, int partitions, Topic.CleanupPolicy policy, String role) {
        return new Topic<>(name, KEY, AvroSerde.of(type), partitions, policy, MAX_MESSAGE_BYTES, "uncompressed", role);
    }

    private static Topic<byte[], byte[]> deadLetter(String name, String role) {
        return new Topic<>(name, RAW, RAW, 1, DELETE, DEAD_LETTER_MAX_MESSAGE_BYTES, "producer", role);
    }
}
