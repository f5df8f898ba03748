package io.failback.orchestrator.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.failback.messages.AzureResult;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ControlCommand;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InventoryRecord;
import io.failback.messages.OrchestratorInput;
import io.failback.messages.ProtectedItem;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationResult;
import io.failback.messages.VcenterResult;
import io.failback.messages.VmClaim;
import io.failback.messages.VmClaimAnswer;
import io.failback.orchestrator.saga.Decision;
import io.failback.orchestrator.saga.FailbackSaga;
import io.failback.orchestrator.saga.Intake;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.Outbox;
import io.failback.orchestrator.saga.Reason;
import io.failback.orchestrator.saga.SagaRunner;
import io.failback.orchestrator.saga.VmJob;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.LogSafe;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams side of the saga: for each request, control command, agent result or claim
 * answer it loads the job, looks the inventory up, calls the saga, stores what it decided and
 * forwards the messages; a wall-clock punctuator does the same for due timers. No rule lives here.
 */
final class JobProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(JobProcessor.class);
    /** Due timers handled per punctuation, so one tick never holds the thread for long. */
    private static final int TIMERS_PER_TICK = 5_000;

    private final SagaRunner runner;
    private final Duration tick;
    private ProcessorContext<String, Object> context;
    private KeyValueJobStore store;
    private KeyValueStore<String, InventoryRecord> inventory;
    private KeyValueStore<String, RecoveryPoint> points;

    JobProcessor(SagaRunner runner, Duration tick) {
        this.runner = runner;
        this.tick = tick;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = new KeyValueJobStore(context.getStateStore(StoreNames.JOBS), context.getStateStore(StoreNames.JOB_VMS),
                context.getStateStore(StoreNames.TIMERS));
        this.inventory = context.getStateStore(StoreNames.INVENTORY);
        this.points = context.getStateStore(StoreNames.RECOVERY_POINTS);
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        FailbackSaga saga = runner.saga();
        Object value = record.value();
        Decision decision;
        if (value == null) {
            return; // tombstones carry nothing for jobs
        } else if (value instanceof OrchestratorInput input) {
            Decision refused = refusal(saga, record.key(), input.getInput(), now);
            if (refused != null) {
                forward(publishOnly(refused), now);
                return;
            }
            decision = onInput(saga, input.getInput(), now);
        } else if (value instanceof VcenterResult r) {
            VmJob vm = store.vm(r.getJobId(), r.getVmId());
            decision = vm == null ? saga.onUnknownResult(r.getJobId(), r.getVmId(), r.getCommandId(), "vCenter " + r.getCode(), now)
                    : saga.onVcenterResult(store.job(r.getJobId()), vm, r, now);
        } else if (value instanceof AzureResult r) {
            VmJob vm = store.vm(r.getJobId(), r.getVmId());
            decision = vm == null ? saga.onUnknownResult(r.getJobId(), r.getVmId(), r.getCommandId(), "Azure " + r.getCode(), now)
                    : saga.onAzureResult(store.job(r.getJobId()), vm, r, now);
        } else if (value instanceof VmClaimAnswer a) {
            VmJob vm = store.vm(a.getJobId(), a.getVmId());
            if (vm == null) {
                decision = saga.onUnknownResult(a.getJobId(), a.getVmId(), null, "claim answer", now);
            } else {
                decision = saga.onClaimAnswer(store.job(a.getJobId()), vm, a, now);
            }
        } else {
            throw new IllegalArgumentException("unexpected record type " + value.getClass().getName());
        }
        forward(runner.apply(store, decision), now);
    }

    /**
     * The refusal of a routed request or control command out of bounds, or null. The router checked them;
     * they are checked again because anyone who can write the internal topic could skip the router.
     */
    private static Decision refusal(FailbackSaga saga, String key, Object input, long now) {
        if (input instanceof FailbackRequest request) {
            Reason refusal = Intake.refusal(key, request);
            return refusal == null ? null : saga.onUnroutableRequest(request, refusal, now);
        }
        if (input instanceof ControlCommand control) {
            Reason refusal = Intake.refusal(control);
            if (refusal == null && !control.getJobId().equals(key)) {
                refusal = new Reason(io.failback.messages.ReasonCode.INVALID_FIELD, "routed under another job's key");
            }
            return refusal == null ? null : saga.onUnroutableControl(control, refusal, now);
        }
        return null;
    }

    /** A request, control command or replication result the router brought to this job's partition. */
    private Decision onInput(FailbackSaga saga, Object input, long now) {
        if (input instanceof FailbackRequest request) {
            Job existing = store.job(request.getRequestId());
            Decision decision = existing != null ? saga.onRepeatedRequest(existing, request, now)
                    : saga.onRequest(request, factsFor(request), now);
            log.info("request {} by {}: job {}", request.getRequestId(), LogSafe.of(request.getRequestedBy()), decision.job().state());
            return decision;
        } else if (input instanceof ControlCommand control) {
            return saga.onControl(store.job(control.getJobId()), control, now);
        } else if (input instanceof ReplicationResult r) {
            VmJob vm = store.vm(r.getJobId(), r.getVmId());
            return vm == null ? saga.onUnknownResult(r.getJobId(), r.getVmId(), r.getCommandId(), "replication " + r.getCode(), now)
                    : saga.onReplicationResult(store.job(r.getJobId()), vm, r, now);
        }
        throw new IllegalArgumentException("unexpected routed input " + input.getClass().getName());
    }

    private void onTick(long now) {
        FailbackSaga saga = runner.saga();
        for (String[] due : store.takeDue(now, TIMERS_PER_TICK)) {
            String jobId = due[0];
            String vmId = due[1];
            Job job = store.job(jobId);
            if (job == null) {
                continue;
            }
            if (vmId.isEmpty()) {
                forward(runner.apply(store, saga.onJobTimer(job, now)), now);
            } else {
                VmJob vm = store.vm(jobId, vmId);
                if (vm != null) {
                    forward(runner.apply(store, saga.onVmTimer(job, vm, now)), now);
                }
            }
        }
    }

    private static Outbox publishOnly(Decision d) {
        Outbox out = new Outbox();
        out.statuses.addAll(d.statuses());
        out.audits.addAll(d.audits());
        return out;
    }

    private void forward(Outbox out, long now) {
        out.azureCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, now), FailbackTopology.TO_AZURE));
        out.vcenterCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, now), FailbackTopology.TO_VCENTER));
        out.replicationCommands.forEach(c -> context.forward(new Record<>(c.getVmId(), c, now), FailbackTopology.TO_REPLICATION));
        for (VmClaim claim : out.claims) {
            context.forward(new Record<>(claim.getVmId(), claim, now), FailbackTopology.TO_CLAIMS);
        }
        out.statuses.forEach(s -> context.forward(new Record<>(s.getJobId(), s, now), FailbackTopology.TO_STATUS));
        out.audits.forEach(a -> context.forward(new Record<>(a.getJobId(), a, now), FailbackTopology.TO_AUDIT));
    }

    /** Everything the saga needs to know about a request's VMs, from the global inventory stores. */
    private FailbackSaga.RequestFacts factsFor(FailbackRequest request) {
        RecoveryPlan plan = null;
        List<RecoveryPlanMember> members = new ArrayList<>();
        Set<String> vmIds = new LinkedHashSet<>(request.getVmIds());
        if (request.getPlanId() != null) {
            plan = entry(InventoryKeys.plan(request.getPlanId()), RecoveryPlan.class);
            String prefix = InventoryKeys.planMembersPrefix(request.getPlanId());
            try (KeyValueIterator<String, InventoryRecord> it = inventory.prefixScan(prefix, new StringSerializer())) {
                it.forEachRemaining(kv -> {
                    if (kv.value != null && kv.value.getEntry() instanceof RecoveryPlanMember m) {
                        members.add(m);
                        vmIds.add(m.getVmId());
                    }
                });
            }
        }
        Map<String, ProtectedItem> items = new HashMap<>();
        Map<String, ConfigServerHeartbeat> heartbeats = new HashMap<>();
        Map<String, List<RecoveryPoint>> pointsByVm = new HashMap<>();
        for (String vmId : vmIds) {
            ProtectedItem item = entry(InventoryKeys.item(vmId), ProtectedItem.class);
            if (item == null) {
                continue;
            }
            items.put(vmId, item);
            heartbeats.computeIfAbsent(item.getConfigurationServer(),
                    cs -> entry(InventoryKeys.configServer(cs), ConfigServerHeartbeat.class));
            List<RecoveryPoint> list = new ArrayList<>();
            try (KeyValueIterator<String, RecoveryPoint> it = points.prefixScan(InventoryKeys.recoveryPointsPrefix(vmId),
                    new StringSerializer())) {
                it.forEachRemaining(kv -> {
                    if (kv.value != null) {
                        list.add(kv.value);
                    }
                });
            }
            pointsByVm.put(vmId, list);
        }
        heartbeats.values().removeIf(java.util.Objects::isNull);
        return new FailbackSaga.RequestFacts(items, plan, members, heartbeats, pointsByVm);
    }

    private <T> T entry(String key, Class<T> type) {
        InventoryRecord record = inventory.get(key);
        return record != null && type.isInstance(record.getEntry()) ? type.cast(record.getEntry()) : null;
    }
}
