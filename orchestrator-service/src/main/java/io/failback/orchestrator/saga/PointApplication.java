package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.AuditKind;
import io.failback.messages.ChosenRecoveryPoint;
import io.failback.messages.FailbackPrepared;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.Step;

/**
 * The chosen recovery point made real: what the replication engine's answer to PrepareFailback proves (the
 * point the replica disks were rolled to, and the data lost from the Azure VM's shutdown to it), and the one
 * re-choice allowed when the point expired between choice and prepare.
 */
final class PointApplication {

    /**
     * The same rule that chose a VM's point at the start of its job, asked again now, without the expired point:
     * the choice for the VM and, for a member of a replication group, for the group's other members in the job.
     */
    @FunctionalInterface
    interface Rechoice {
        Map<String, RecoveryPointChooser.Choice> choose(Job job, VmJob vm, String expiredPointId);
    }

    /** A VM sent back to PREPARE_FAILBACK with a new point, or the reason it can't be. */
    record Rechosen(VmJob vm, Reason reason) {
    }

    private PointApplication() {
    }

    /**
     * The rule of {@link RecoveryPointChooser} over the inventory as it is now: for a member of a replication
     * group, the group's members in this job share the common point again.
     */
    static Rechoice fromInventory(JobStore store, Inventory inventory, long now) {
        return (job, vm, expired) -> {
            ProtectedItem item = inventory.item(vm.vmId());
            String group = item == null || !Intake.isName(item.getReplicationGroup()) ? null : item.getReplicationGroup();
            List<String> members = new ArrayList<>();
            Map<String, String> groups = new HashMap<>();
            for (String id : group == null ? List.of(vm.vmId()) : store.vmIds(job.jobId())) {
                ProtectedItem other = id.equals(vm.vmId()) ? item : inventory.item(id);
                if (id.equals(vm.vmId()) || other != null && group.equals(other.getReplicationGroup())) {
                    members.add(id);
                    if (group != null) {
                        groups.put(id, group);
                    }
                }
            }
            Map<String, List<RecoveryPoint>> points = new HashMap<>();
            for (String id : members) {
                // the engine may answer POINT_EXPIRED before its tombstone reaches the inventory
                points.put(id, inventory.recoveryPoints(id).stream().filter(p -> !p.getPointId().equals(expired)).toList());
            }
            Map<String, RecoveryPointChooser.Choice> choices =
                    RecoveryPointChooser.choose(job.pointKind(), members, Intake.wellFormed(points), groups, now);
            RecoveryPointChooser.Choice own = choices.get(vm.vmId());
            String common = own == null || own.point() == null ? null : own.point().consistencyId();
            // a member already rolled to another point can't move any more: this VM must not split the group from it
            List<String> rolled = members.stream().filter(id -> !id.equals(vm.vmId())).map(id -> store.vm(job.jobId(), id))
                    .filter(o -> o != null && o.appliedPoint() != null && !java.util.Objects.equals(o.appliedPoint().consistencyId(), common))
                    .map(VmJob::vmId).toList();
            if (group != null && own != null && own.point() != null && !rolled.isEmpty()) {
                return Map.of(vm.vmId(), new RecoveryPointChooser.Choice(null, new Reason(ReasonCode.RECOVERY_POINT_EXPIRED,
                        "replication group " + group + ": " + Intake.list(rolled) + " already rolled to the group's point "
                                + "that just expired for " + vm.vmId() + "; another point for it would split the group's consistency")));
            }
            return choices;
        };
    }

    /** Chooses {@code vm}'s point again once; a second expiry, or no point left by the rule, is a named reason. */
    static Rechosen rechoose(Decision d, Job job, VmJob vm, Rechoice rechoice) {
        String expired = vm.point().pointId();
        if (vm.pointRechosen()) {
            return new Rechosen(null, new Reason(ReasonCode.RECOVERY_POINT_EXPIRED, "recovery point " + expired
                    + " expired before the replica disks were rolled to it, after it had been chosen again once already"));
        }
        Map<String, RecoveryPointChooser.Choice> choices = rechoice.choose(job, vm, expired);
        RecoveryPointChooser.Choice choice = choices.get(vm.vmId());
        if (choice == null || choice.point() == null) {
            return new Rechosen(null, new Reason(ReasonCode.RECOVERY_POINT_EXPIRED, "recovery point " + expired
                    + " expired before the replica disks were rolled to it, and no other point meets the rule"
                    + (choice == null || choice.reason() == null ? "" : ": " + choice.reason().message())));
        }
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "recovery point chosen again",
                expired + " expired; now " + choice.point().pointId() + " at " + Instant.ofEpochMilli(choice.point().time()));
        Map<String, ChosenPoint> others = new HashMap<>();
        choices.forEach((id, c) -> {
            if (!id.equals(vm.vmId()) && c.point() != null) {
                others.put(id, c.point());
            }
        });
        if (vm.point().consistencyId() != null && !others.isEmpty()) {
            // the rest of the replication group follows before its disks are rolled, so the group stays on one point
            d.followup(Followup.repoint(vm.point().consistencyId(), others));
        }
        return new Rechosen(vm.withPoint(choice.point()).withPointRechosen(true), null);
    }

    /**
     * A member of a replication group whose common point expired for another member: it takes the group's new
     * common point, and a prepare in flight for the old one is sent again for the new (the old answer is then stale).
     * A member already rolled, or no longer holding the old point, stays as it is.
     */
    static void repoint(Decision d, VmJob vm, Followup f, SagaSettings settings) {
        ChosenPoint to = f.points().get(vm.vmId());
        if (to == null || vm.point() == null || !f.consistencyId().equals(vm.point().consistencyId()) || vm.appliedPoint() != null
                || vm.isFinished() || vm.state() == io.failback.messages.VmState.ROLLING_BACK) {
            return;
        }
        VmJob moved = vm.withPoint(to).withPointRechosen(true);
        d.audit(AuditKind.DECISION, vm.vmId(), null, null, "recovery point chosen again", "the replication group's point "
                + vm.point().pointId() + " expired for another member; now " + to.pointId() + " at " + Instant.ofEpochMilli(to.time()));
        String inFlight = vm.pending().entrySet().stream().filter(e -> e.getValue() == Step.PREPARE_FAILBACK)
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (inFlight != null) {
            moved = VmOutput.send(d, moved.withAnswered(inFlight), Step.PREPARE_FAILBACK, settings);
        }
        VmOutput.store(d, moved);
    }

    /** {@code vm} with the point the engine says it rolled the disks to; its data loss runs from the shutdown. */
    static VmJob applied(VmJob vm, FailbackPrepared prepared) {
        long time = prepared.getTime().toEpochMilli();
        ChosenPoint chosen = vm.point();
        String consistencyId = chosen != null && chosen.pointId().equals(prepared.getPointId()) ? chosen.consistencyId() : null;
        return vm.withAppliedPoint(new ChosenPoint(prepared.getPointId(), time, prepared.getConsistency(), consistencyId,
                Math.max(0, vm.shutdownAt() - time)));
    }

    /** Audits a point applied by this answer, once. */
    static void auditApplied(Decision d, VmJob before, VmJob after, String commandId) {
        ChosenPoint p = after.appliedPoint();
        if (p != null && !p.equals(before.appliedPoint())) {
            d.audit(AuditKind.DECISION, after.vmId(), commandId, null, "recovery point applied", p.pointId() + " at "
                    + Instant.ofEpochMilli(p.time()) + " (" + p.consistency() + "); data loss " + p.dataLossWindowMillis() / 1000
                    + " s from the Azure VM's shutdown");
        }
    }

    /** A failed replication step's reason code: a prepare that fails is no reprotect failure. */
    static ReasonCode failureOf(Step step, ReasonCode failure) {
        boolean prepare = step == Step.PREPARE_FAILBACK || step == Step.PREPARE_FINAL_POINT;
        return prepare && failure == ReasonCode.REPROTECT_FAILED ? ReasonCode.PREPARE_FAILBACK_FAILED : failure;
    }

    /** The reason a VM fails when the engine's final point doesn't come in time. */
    static Reason finalPointMissing(SagaSettings settings) {
        return new Reason(ReasonCode.FINAL_POINT_NOT_TAKEN, "no final recovery point after the Azure VM's shutdown within "
                + settings.finalPointTimeout().toSeconds() + " s; nothing detached, the Azure VM is started again");
    }

    static ChosenRecoveryPoint message(ChosenPoint p) {
        return p == null ? null : new ChosenRecoveryPoint(p.pointId(), Instant.ofEpochMilli(p.time()), p.consistency(),
                p.consistencyId(), p.dataLossWindowMillis());
    }
}
