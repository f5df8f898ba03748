package io.failback.orchestrator.streams;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.Consistency;
import io.failback.messages.JobState;
import io.failback.messages.Reason;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.schemas.AvroSerde;
import io.failback.schemas.LogSafe;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import io.failback.messages.state.PendingCommand;
import io.failback.messages.state.StoredJob;
import io.failback.messages.state.StoredTarget;
import io.failback.messages.state.StoredVmJob;
import io.failback.messages.state.VmStateCount;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON the orchestrator stored before its state had a schema (fields of the saga's Job and
 * VmJob, written by reflection) into today's Avro state, so a store written by that version still loads.
 * A field it leaves out gets the value that version gave it; anything that version could not have
 * written (an unknown field, a wrong type, a null where a value is required) is refused by name.
 */
final class LegacyStateJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private LegacyStateJson() {
    }

    /** Whether {@code bytes} are that version's JSON rather than Avro: its writer always began with an object. */
    static boolean isLegacy(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == '{';
    }

    static StoredJob job(String topic, byte[] json) {
        return read(topic, json, "Job", LegacyJob.class, j -> StoredJob.newBuilder()
                .setJobId(j.jobId()).setRequestedBy(j.requestedBy()).setPlanId(j.planId()).setRequestSummary(j.requestSummary())
                .setPointKind(j.pointKind()).setCommitPolicy(j.commitPolicy()).setCommitDelaySeconds(j.commitDelaySeconds())
                .setReprotectProcessServer(j.reprotectProcessServer())
                .setState(j.state() == null ? JobState.PREFLIGHT : j.state())
                .setTotalVms(j.totalVms()).setGroupCount(j.groupCount())
                .setCurrentGroup(j.currentGroup() == null ? 1 : j.currentGroup())
                .setGroupWaiting(orEmpty(j.groupWaiting())).setGroupFailed(orEmpty(j.groupFailed()))
                .setCounts(counts(j.counts()))
                .setBlockedAtGroup(j.blockedAtGroup()).setTimerAt(j.timerAt()).setCancelRequested(j.cancelRequested())
                .setCommitted(j.committed()).setReasons(reasons(j.reasons())).setCreatedAt(j.createdAt())
                .build());
    }

    static StoredVmJob vm(String topic, byte[] json) {
        return read(topic, json, "VmJob", LegacyVmJob.class, v -> StoredVmJob.newBuilder()
                .setJobId(v.jobId()).setVmId(v.vmId()).setGroup(v.group())
                .setState(v.state() == null ? VmState.PREFLIGHT : v.state())
                .setStep(v.step() == null ? Step.CHECK_INVENTORY : v.step())
                .setTarget(v.target() == null ? null : new StoredTarget(v.target().vCenter(), v.target().masterTarget(),
                        v.target().onPremisesVm(), v.target().replicaDisks(), v.target().azureVmId(), v.target().azureResourceGroup(),
                        v.target().windows(), v.target().processServer(), null, List.of(), null, null, false))
                .setPoint(v.point() == null ? null : new ChosenRecoveryPoint(v.point().pointId(),
                        java.time.Instant.ofEpochMilli(v.point().time()), v.point().consistency(), v.point().consistencyId(),
                        v.point().dataLossWindowMillis()))
                .setReasons(reasons(v.reasons())).setPending(pending(v.pending()))
                .setClaimAnswered(v.claimAnswered()).setClaimed(v.claimed()).setSequence(v.sequence()).setAttempts(v.attempts())
                .setDeadline(v.deadline()).setCompensations(orEmpty(v.compensations())).setCancelRequested(v.cancelRequested())
                .setRollbackReason(v.rollbackReason() == null ? null : new Reason(v.rollbackReason().code(), v.rollbackReason().message()))
                .setPoweredOnVerified(v.poweredOnVerified()).setDisksVerified(v.disksVerified())
                .setReprotectUntil(v.reprotectUntil()).setReprotectRefusals(v.reprotectRefusals())
                // written only since Azure deletes name the VM's disks and NICs; absent before, and empty then
                .setAzureDiskIds(orEmpty(v.azureDiskIds())).setAzureNicIds(orEmpty(v.azureNicIds()))
                .build());
    }

    private static <J, A extends SpecificRecord> A read(String topic, byte[] json, String what, Class<J> shape,
                                                      Function<J, A> toAvro) {
        if (json.length > AvroSerde.MAX_RECORD_BYTES) {
            throw new UnreadableRecordException(Problem.TOO_LARGE, topic,
                    json.length + " bytes, over the limit of " + AvroSerde.MAX_RECORD_BYTES, null);
        }
        try {
            A stored = toAvro.apply(MAPPER.readValue(json, shape));
            // The builder checks only the top-level fields; writing walks the rest (a null inside a list or a target).
            new SpecificDatumWriter<A>(stored.getSchema()).write(stored,
                    EncoderFactory.get().directBinaryEncoder(OutputStream.nullOutputStream(), null));
            return stored;
        } catch (IOException | RuntimeException e) {
            // Jackson's exceptions are unchecked and name the field and the problem, as do the builder and the writer.
            throw refuse(topic, what, e.getClass().getSimpleName() + ": " + LogSafe.of(e.getMessage()), e);
        }
    }

    private static UnreadableRecordException refuse(String topic, String what, String detail, Throwable cause) {
        return new UnreadableRecordException(Problem.CORRUPT_DATUM, topic,
                "stored " + what + " in the JSON of the version before the state schema: " + detail, cause);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static List<VmStateCount> counts(Map<VmState, Integer> counts) {
        List<VmStateCount> out = new ArrayList<>();
        if (counts != null) {
            // in state order, as the EnumMap that wrote them iterated
            counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.add(new VmStateCount(e.getKey(), e.getValue())));
        }
        return out;
    }

    private static List<Reason> reasons(List<LegacyReason> reasons) {
        List<Reason> out = new ArrayList<>();
        for (LegacyReason r : orEmpty(reasons)) {
            out.add(r == null ? null : new Reason(r.code(), r.message()));
        }
        return out;
    }

    private static List<PendingCommand> pending(Map<String, Step> pending) {
        List<PendingCommand> out = new ArrayList<>();
        if (pending != null) {
            // the JSON object keeps the order the commands were sent in, as the LinkedHashMap that wrote it
            pending.forEach((commandId, step) -> out.add(new PendingCommand(commandId, step)));
        }
        return out;
    }

    // The shapes that version wrote: its classes' fields, by name. Boxed where a missing field had a default.

    private record LegacyJob(String jobId, String requestedBy, String planId, String requestSummary, RecoveryPointKind pointKind,
                       CommitPolicyKind commitPolicy, int commitDelaySeconds, String reprotectProcessServer, JobState state,
                       int totalVms, int groupCount, Integer currentGroup, List<Integer> groupWaiting, List<Integer> groupFailed,
                       Map<VmState, Integer> counts, int blockedAtGroup, long timerAt, boolean cancelRequested,
                       boolean committed, List<LegacyReason> reasons, long createdAt) {
    }

    private record LegacyVmJob(String jobId, String vmId, int group, VmState state, Step step, LegacyTarget target,
                         LegacyPoint point, List<LegacyReason> reasons, Map<String, Step> pending, boolean claimAnswered,
                         boolean claimed, int sequence, int attempts, long deadline, List<Step> compensations,
                         boolean cancelRequested, LegacyReason rollbackReason, boolean poweredOnVerified,
                         boolean disksVerified, long reprotectUntil, int reprotectRefusals, List<String> azureDiskIds,
                         List<String> azureNicIds) {
    }

    private record LegacyTarget(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                                String azureVmId, String azureResourceGroup, boolean windows, String processServer) {
    }

    private record LegacyPoint(String pointId, long time, Consistency consistency, String consistencyId,
                               long dataLossWindowMillis) {
    }

    private record LegacyReason(ReasonCode code, String message) {
    }
}
