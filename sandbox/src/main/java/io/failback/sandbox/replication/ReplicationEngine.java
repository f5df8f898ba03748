package io.failback.sandbox.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AgentRegistration;
import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ConfigServerState;
import io.failback.messages.Consistency;
import io.failback.messages.FailbackPrepared;
import io.failback.messages.PrepareFailback;
import io.failback.messages.ResumeReplication;
import io.failback.messages.InventoryRecord;
import io.failback.messages.OsType;
import io.failback.messages.PowerState;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ProtectionState;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.Reprotect;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.ReplicationDirection;
import io.failback.messages.ReplicationHealth;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ReplicationResultCode;
import io.failback.messages.ServerType;
import io.failback.messages.TargetHypervisor;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.InventoryKeys;

/**
 * The replication engine's behaviour, without Kafka: what it publishes about an estate (protected
 * items, the plan, heartbeats, recovery points with replication-group consistency ids), when the
 * on-premises agents register (a delay after their VM powers on) and how it answers reprotect
 * ("agent not registered" until then), and how it prepares a failback (rolls the replica disks to a point it
 * still holds) and resumes replication. The simulator process runs it on a clock and publishes; its methods
 * are synchronized so tests may ask it while the simulator's thread drives it.
 */
public final class ReplicationEngine {

    /** One keyed record for a compacted topic; a null value is a tombstone. */
    public record Keyed<V>(String key, V value) {
    }

    /** How the engine behaves: point cadence, how many points it keeps, the agent registration delay. */
    public record Settings(Duration crashPointEvery, Duration appPointEvery, int pointsKept, Duration agentRegistrationDelay) {
        public static Settings demo() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), 4, Duration.ofSeconds(20));
        }
    }

    private final EstateSpec estate;
    private final Settings settings;
    /** The estate's VMs by id: a command finds its VM without a pass over every VM (10,000s in the benchmark). */
    private final Map<String, VmSpec> byId = new HashMap<>();
    private final Map<String, Deque<String>> keptPoints = new HashMap<>();
    private final Map<String, Instant> poweredOnAt = new HashMap<>();
    private final Map<String, Boolean> registered = new HashMap<>();
    /** VMs powered on whose agent has not registered yet, in the order they powered on: what each loop looks at. */
    private final Map<String, Instant> waiting = new LinkedHashMap<>();
    private final Map<String, Boolean> reprotected = new HashMap<>();
    /** Each VM's points still held (pruned ones leave), by point id. */
    private final Map<String, Map<String, RecoveryPoint>> heldPoints = new HashMap<>();
    /** The point each prepared VM's replica disks were rolled to; replication to its master target stopped. */
    private final Map<String, RecoveryPoint> appliedPoints = new HashMap<>();
    private final Map<String, String> failNextPrepare = new HashMap<>();
    private Instant lastCrashPoint;
    private Instant lastAppPoint;
    private long pointSeq;

    public ReplicationEngine(EstateSpec estate, Settings settings) {
        this.estate = estate;
        this.settings = settings;
        estate.vms().forEach(vm -> byId.putIfAbsent(vm.vmId(), vm));
    }

    /** Everything the configuration server knows at start: items, the plan and its members, a heartbeat. */
    public synchronized List<Keyed<InventoryRecord>> inventory(Instant now) {
        List<Keyed<InventoryRecord>> out = new ArrayList<>();
        for (VmSpec vm : estate.vms()) {
            out.add(new Keyed<>(InventoryKeys.item(vm.vmId()), new InventoryRecord(item(vm))));
        }
        for (EstateSpec.Plan plan : estate.plans()) {
            List<VmSpec> members = estate.members(plan.planId());
            out.add(new Keyed<>(InventoryKeys.plan(plan.planId()), new InventoryRecord(
                    new RecoveryPlan(plan.planId(), plan.name(), estate.groupCount(plan.planId()), members.size()))));
            for (VmSpec vm : members) {
                out.add(new Keyed<>(InventoryKeys.planMember(plan.planId(), vm.vmId()),
                        new InventoryRecord(new RecoveryPlanMember(plan.planId(), vm.vmId(), vm.group(), null))));
            }
        }
        out.add(heartbeat(now));
        return out;
    }

    public synchronized Keyed<InventoryRecord> heartbeat(Instant now) {
        return new Keyed<>(InventoryKeys.configServer(estate.configurationServer()), new InventoryRecord(
                new ConfigServerHeartbeat(estate.configurationServer(), ConfigServerState.RUNNING, true, now)));
    }

    /**
     * The recovery points due at {@code now}: crash-consistent for every VM each {@code crashPointEvery},
     * app-consistent each {@code appPointEvery} for the VMs that have them (one consistency id per
     * replication group and round), and tombstones for points older than the kept number.
     */
    public synchronized List<Keyed<RecoveryPoint>> pointsDue(Instant now) {
        List<Keyed<RecoveryPoint>> out = new ArrayList<>();
        if (lastCrashPoint == null || !now.isBefore(lastCrashPoint.plus(settings.crashPointEvery()))) {
            lastCrashPoint = now;
            long round = ++pointSeq;
            for (VmSpec vm : estate.vms()) {
                if (vm.points() == VmSpec.Points.NONE) {
                    continue;
                }
                String consistencyId = vm.replicationGroup() == null ? null : vm.replicationGroup() + "-crash-" + round;
                take(out, vm, "crash-" + round, now, Consistency.CRASH_CONSISTENT, consistencyId);
            }
        }
        if (lastAppPoint == null || !now.isBefore(lastAppPoint.plus(settings.appPointEvery()))) {
            lastAppPoint = now;
            long round = ++pointSeq;
            for (VmSpec vm : estate.vms()) {
                if (vm.appConsistent()) {
                    String consistencyId = vm.replicationGroup() == null ? null : vm.replicationGroup() + "-app-" + round;
                    take(out, vm, "app-" + round, now, Consistency.APP_CONSISTENT, consistencyId);
                }
            }
        }
        return out;
    }

    private void take(List<Keyed<RecoveryPoint>> out, VmSpec vm, String pointId, Instant at, Consistency consistency, String consistencyId) {
        if (appliedPoints.containsKey(vm.vmId())) {
            return; // prepared for failback: replication to the master target is stopped, no new points
        }
        RecoveryPoint point = new RecoveryPoint(vm.vmId(), pointId, at, consistency, consistencyId);
        out.add(new Keyed<>(InventoryKeys.recoveryPoint(vm.vmId(), pointId), point));
        heldPoints.computeIfAbsent(vm.vmId(), k -> new LinkedHashMap<>()).put(pointId, point);
        Deque<String> kept = keptPoints.computeIfAbsent(vm.vmId() + "/" + consistency, k -> new ArrayDeque<>());
        kept.addLast(pointId);
        while (kept.size() > settings.pointsKept()) {
            String pruned = kept.removeFirst();
            heldPoints.get(vm.vmId()).remove(pruned);
            out.add(new Keyed<>(InventoryKeys.recoveryPoint(vm.vmId(), pruned), null));
        }
    }

    /** Watches the vCenter agent's results: an on-premises VM powered on starts its agent's registration clock. */
    public synchronized void onVcenterResult(VcenterResult result, Instant now) {
        if (result.getCode() != VcenterResultCode.OK || !(result.getOutcome() instanceof VmPowerState power)) {
            return;
        }
        if (power.getPowerState() == PowerState.POWERED_ON) {
            if (poweredOnAt.putIfAbsent(result.getVmId(), now) == null) {
                waiting.put(result.getVmId(), now);
            }
        } else {
            poweredOnAt.remove(result.getVmId());
            registered.remove(result.getVmId());
            waiting.remove(result.getVmId());
        }
    }

    /** The agents whose registration delay has passed since their VM powered on, registered now. */
    public synchronized List<Keyed<InventoryRecord>> registrationsDue(Instant now) {
        List<Keyed<InventoryRecord>> out = new ArrayList<>();
        // only the VMs still waiting, oldest first, up to the first not yet due: the engine's loop calls this after every
        // poll, and a pass over every VM ever powered on took seconds of CPU over a 10,000-VM plan
        for (java.util.Iterator<Map.Entry<String, Instant>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Instant> e = it.next();
            if (now.isBefore(e.getValue().plus(settings.agentRegistrationDelay()))) {
                break; // the later ones powered on later still (a clock step back only delays them as long)
            }
            it.remove();
            registered.put(e.getKey(), true);
            out.add(new Keyed<>(InventoryKeys.agent(e.getKey()), new InventoryRecord(new AgentRegistration(e.getKey(), true, now))));
        }
        return out;
    }

    /**
     * What a command answers, the updated protected item when reprotect started, and the recovery points it
     * published (a final point taken after the Azure VM's shutdown).
     */
    public record Answer(ReplicationResult result, Keyed<InventoryRecord> updatedItem, List<Keyed<RecoveryPoint>> points) {
        public Answer(ReplicationResult result, Keyed<InventoryRecord> updatedItem) {
            this(result, updatedItem, List.of());
        }
    }

    public synchronized Answer onCommand(ReplicationCommand command, Instant now) {
        VmSpec vm = byId.get(command.getVmId());
        if (vm != null && command.getOperation() instanceof PrepareFailback prepare) {
            return prepare(command, vm, prepare, now);
        }
        if (vm != null && command.getOperation() instanceof ResumeReplication) {
            appliedPoints.remove(vm.vmId()); // replication to the master target goes on; new points come again
            return new Answer(result(command, ReplicationResultCode.OK, "", now), null);
        }
        if (!(command.getOperation() instanceof Reprotect reprotect)) {
            return new Answer(result(command, ReplicationResultCode.INVALID_COMMAND, "unsupported operation", now), null);
        }
        if (vm == null) {
            return new Answer(result(command, ReplicationResultCode.FAILED, "VM " + command.getVmId() + " is not protected here", now), null);
        }
        if (!registered.getOrDefault(vm.vmId(), false)) {
            return new Answer(result(command, ReplicationResultCode.AGENT_NOT_REGISTERED, "the mobility agent on "
                    + reprotect.getOnPremisesVm() + " has not registered with the configuration server yet", now), null);
        }
        reprotected.put(vm.vmId(), true);
        ProtectedItem item = item(vm);
        item.setReplicationDirection(ReplicationDirection.ON_PREMISES_TO_AZURE);
        item.setProcessServer(reprotect.getProcessServer());
        return new Answer(result(command, ReplicationResultCode.OK, "", now), new Keyed<>(InventoryKeys.item(vm.vmId()), new InventoryRecord(item)));
    }

    /**
     * Stops replicating the VM to its master target and rolls its replica disks to the point asked for, or, asked
     * for none, to a final point taken now (after the Azure VM's shutdown), which it publishes. Idempotent: a
     * prepare sent again finds the VM already rolled to that point.
     */
    private Answer prepare(ReplicationCommand command, VmSpec vm, PrepareFailback prepare, Instant now) {
        String failure = failNextPrepare.remove(vm.vmId());
        if (failure != null) {
            return new Answer(result(command, ReplicationResultCode.FAILED, failure, now), null);
        }
        RecoveryPoint applied = appliedPoints.get(vm.vmId());
        List<Keyed<RecoveryPoint>> published = new ArrayList<>();
        if (prepare.getPointId() == null) {
            if (applied == null) {
                applied = new RecoveryPoint(vm.vmId(), "final-" + (++pointSeq), now, Consistency.APP_CONSISTENT, null);
                heldPoints.computeIfAbsent(vm.vmId(), k -> new LinkedHashMap<>()).put(applied.getPointId(), applied);
                published.add(new Keyed<>(InventoryKeys.recoveryPoint(vm.vmId(), applied.getPointId()), applied));
            }
        } else if (applied == null || !applied.getPointId().equals(prepare.getPointId())) {
            applied = heldPoints.getOrDefault(vm.vmId(), Map.of()).get(prepare.getPointId());
            if (applied == null) {
                return new Answer(result(command, ReplicationResultCode.POINT_EXPIRED, "recovery point " + prepare.getPointId()
                        + " of " + vm.vmId() + " is no longer held (pruned by retention)", now), null);
            }
        }
        appliedPoints.put(vm.vmId(), applied);
        ReplicationResult answer = result(command, ReplicationResultCode.OK, "", now);
        answer.setOutcome(new FailbackPrepared(applied.getPointId(), applied.getTime(), applied.getConsistency()));
        return new Answer(answer, null, published);
    }

    /** The point the VM's replica disks were rolled to for failback; null when not prepared (or resumed). */
    public synchronized RecoveryPoint appliedPoint(String vmId) {
        return appliedPoints.get(vmId);
    }

    /** The next prepare of {@code vmId} fails with {@code message}, as an engine that can't roll the disks back. */
    public synchronized void failNextPrepare(String vmId, String message) {
        failNextPrepare.put(vmId, message);
    }

    /** Prunes a held point now, as retention would: its tombstone is returned for publishing. */
    public synchronized Keyed<RecoveryPoint> expire(String vmId, String pointId) {
        Map<String, RecoveryPoint> held = heldPoints.getOrDefault(vmId, new HashMap<>());
        held.remove(pointId);
        keptPoints.values().forEach(kept -> kept.remove(pointId));
        return new Keyed<>(InventoryKeys.recoveryPoint(vmId, pointId), null);
    }

    public synchronized boolean isReprotected(String vmId) {
        return reprotected.getOrDefault(vmId, false);
    }

    private static ReplicationResult result(ReplicationCommand c, ReplicationResultCode code, String message, Instant now) {
        return new ReplicationResult(c.getCommandId(), c.getJobId(), c.getVmId(), code, message, now, null);
    }

    private ProtectedItem item(VmSpec vm) {
        return ProtectedItem.newBuilder().setVmId(vm.vmId()).setVmName(vm.name())
                .setProtectionState(ProtectionState.PROTECTED).setReplicationDirection(ReplicationDirection.AZURE_TO_ON_PREMISES)
                .setReplicationHealth(ReplicationHealth.OK).setMigrationCompleted(false)
                .setAzureVmId(estate.azureVmId(vm)).setAzureResourceGroup(estate.azureResourceGroup())
                .setServerType(vm.physical() ? ServerType.PHYSICAL_SERVER : ServerType.VMWARE_VM).setOsType(OsType.valueOf(vm.os())).setOsVersion(vm.osVersion())
                .setTargetHypervisor(TargetHypervisor.VMWARE_VCENTER).setVCenter(estate.vCenter())
                .setMasterTarget(vm.masterTarget()).setOnPremisesVm(vm.onPremisesVm()).setReplicaDisks(vm.replicaDisks())
                .setReplicationGroup(vm.replicationGroup()).setProcessServer(estate.processServer())
                .setConfigurationServer(estate.configurationServer())
                .setOnPremisesInstanceUuid(vm.onPremisesInstanceUuid()).setDiskLayout(vm.originalLayout()).setShape(vm.shape()).build();
    }
}
