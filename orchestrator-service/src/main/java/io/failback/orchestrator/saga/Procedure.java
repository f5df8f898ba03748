package io.failback.orchestrator.saga;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;

import io.failback.messages.AttachDisks;
import io.failback.messages.CreateVm;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.PrepareFailback;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ResumeReplication;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.Reprotect;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.StartAzureVm;
import io.failback.messages.Step;
import io.failback.messages.VmState;

/**
 * The failback procedure as a table, in the order of the source document: for each {@link Step}, the agent
 * that does it, the command it sends, how long it may take, the step that undoes it and the step that comes
 * next. The sagas look steps up here; none of them knows the order of the procedure.
 */
final class Procedure {

    /** Who carries a step out. */
    enum Agent { ORCHESTRATOR, AZURE, VCENTER, REPLICATION }

    /**
     * One step of the procedure.
     *
     * @param during the VM's state while the step runs
     * @param undo the step that undoes this one, recorded before this one is sent; NONE when nothing to undo
     * @param next the step after this one succeeds; NONE when the VM then rests in {@code done}
     * @param done the VM's state when this step ends its part of the procedure; null when another step follows
     * @param when whether the step applies to this job's VM; a step that doesn't is passed over
     * @param afterBootGroup the step waits until the VM's boot group may power on
     */
    record Row(Step step, Agent agent, Function<SagaSettings, Duration> timeout, Function<VmJob, Object> command,
               VmState during, Step undo, Step next, VmState done, BiPredicate<Job, VmJob> when, boolean afterBootGroup) {

        Row undoneBy(Step undo) {
            return new Row(step, agent, timeout, command, during, undo, next, done, when, afterBootGroup);
        }

        Row then(Step next) {
            return new Row(step, agent, timeout, command, during, undo, next, done, when, afterBootGroup);
        }

        Row ends(VmState done) {
            return new Row(step, agent, timeout, command, during, undo, next, done, when, afterBootGroup);
        }

        Row onlyIf(BiPredicate<Job, VmJob> when) {
            return new Row(step, agent, timeout, command, during, undo, next, done, when, afterBootGroup);
        }

        Row gatedByBootGroup() {
            return new Row(step, agent, timeout, command, during, undo, next, done, when, true);
        }
    }

    private static final List<Row> TABLE = List.of(
            // ---- preflight: the inventory rules, then one question to each agent, both at once
            new Row(Step.CHECK_INVENTORY, Agent.ORCHESTRATOR, s -> Duration.ZERO, vm -> null, VmState.PREFLIGHT,
                    Step.NONE, Step.NONE, null, (job, vm) -> true, false),
            step(Step.CHECK_AZURE_VM, Agent.AZURE, SagaSettings::azureStepTimeout, VmState.PREFLIGHT,
                    vm -> new ReadAzureVm(vm.target().azureVmId())),
            step(Step.CHECK_VCENTER, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.PREFLIGHT,
                    vm -> new InspectMasterTarget(vm.target().vCenter(), vm.target().masterTarget(), vm.target().replicaDisks(),
                            OnPremisesChecks.question(vm.target()), AlternateLocations.question(vm))),

            // ---- failover from Azure: shut the Azure VM down, bring the replica disks home, power on
            step(Step.SHUT_DOWN_AZURE_VM, Agent.AZURE, SagaSettings::azureStepTimeout, VmState.FAILING_BACK,
                    vm -> new ShutdownAzureVm(vm.target().azureVmId()))
                    .undoneBy(Step.ROLLBACK_START_AZURE_VM).then(Step.PREPARE_FAILBACK),
            // the engine stops replicating to the master target and rolls the replica disks to the chosen point,
            // before any disk is detached (PointApplication reads its answer)
            step(Step.PREPARE_FAILBACK, Agent.REPLICATION, SagaSettings::replicationStepTimeout, VmState.FAILING_BACK,
                    vm -> new PrepareFailback(vm.vmId(), vm.point().pointId()))
                    .onlyIf((job, vm) -> job.pointKind() != RecoveryPointKind.AFTER_SHUTDOWN)
                    .undoneBy(Step.ROLLBACK_RESUME_REPLICATION).then(Step.PREPARE_FINAL_POINT),
            // AFTER_SHUTDOWN: the engine takes a final point now, after the shutdown, and rolls the disks to it
            step(Step.PREPARE_FINAL_POINT, Agent.REPLICATION, SagaSettings::finalPointTimeout, VmState.FAILING_BACK,
                    vm -> new PrepareFailback(vm.vmId(), null))
                    .onlyIf((job, vm) -> job.pointKind() == RecoveryPointKind.AFTER_SHUTDOWN)
                    .undoneBy(Step.ROLLBACK_RESUME_REPLICATION).then(Step.CREATE_ON_PREMISES_VM),
            // alternate location recovery: a new VM with the source's shape and the controllers of the disks' layout
            step(Step.CREATE_ON_PREMISES_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new CreateVm(vm.target().alternateLocation(), vm.target().shape(), vm.target().onPremisesInstanceUuid(),
                            AlternateLocations.createdFor(vm), vm.target().diskLayout()))
                    .onlyIf((job, vm) -> vm.target().alternate())
                    .undoneBy(Step.ROLLBACK_DESTROY_CREATED_VM).then(Step.POWER_OFF_ON_PREMISES_VM),
            step(Step.POWER_OFF_ON_PREMISES_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new PowerOffVm(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().onPremisesInstanceUuid()))
                    .onlyIf((job, vm) -> !vm.target().alternate()).then(Step.DETACH_FROM_MASTER_TARGET),
            step(Step.DETACH_FROM_MASTER_TARGET, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new DetachDisks(vm.target().vCenter(), vm.target().masterTarget(), vm.target().replicaDisks(), null))
                    .undoneBy(Step.ROLLBACK_ATTACH_TO_MASTER_TARGET).then(Step.ATTACH_TO_ON_PREMISES_VM),
            step(Step.ATTACH_TO_ON_PREMISES_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new AttachDisks(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().replicaDisks(),
                            vm.target().onPremisesInstanceUuid(), vm.target().diskLayout()))
                    .undoneBy(Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM).then(Step.ENABLE_VMWARE_TOOLS),
            // failover disabled VMware Tools on Windows VMs only
            step(Step.ENABLE_VMWARE_TOOLS, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new EnableVmwareTools(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().onPremisesInstanceUuid()))
                    .onlyIf((job, vm) -> vm.target().windows()).then(Step.POWER_ON_ON_PREMISES_VM),
            step(Step.POWER_ON_ON_PREMISES_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.FAILING_BACK,
                    vm -> new PowerOnVm(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().onPremisesInstanceUuid()))
                    .undoneBy(Step.ROLLBACK_POWER_OFF).gatedByBootGroup().ends(VmState.FAILED_BACK_AWAITING_COMMIT),

            // ---- commit: remove the failed-over VM from Azure, then reprotect if asked
            step(Step.DELETE_AZURE_VM, Agent.AZURE, SagaSettings::azureStepTimeout, VmState.COMMITTING,
                    vm -> new DeleteAzureVm(vm.target().azureVmId(), true, true, vm.azureDiskIds(), vm.azureNicIds()))
                    .then(Step.REPROTECT).ends(VmState.COMMITTED),
            step(Step.REPROTECT, Agent.REPLICATION, SagaSettings::replicationStepTimeout, VmState.REPROTECTING,
                    vm -> new Reprotect(vm.target().processServer(), vm.target().onPremisesVm()))
                    .onlyIf((job, vm) -> job.reprotectProcessServer() != null).ends(VmState.REPROTECTED),

            // ---- rollback: each undoes one step above, the latest first
            step(Step.ROLLBACK_POWER_OFF, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.ROLLING_BACK,
                    vm -> new PowerOffVm(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().onPremisesInstanceUuid())),
            step(Step.ROLLBACK_DETACH_FROM_ON_PREMISES_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.ROLLING_BACK,
                    vm -> new DetachDisks(vm.target().vCenter(), vm.target().onPremisesVm(), vm.target().replicaDisks(),
                            vm.target().onPremisesInstanceUuid())),
            step(Step.ROLLBACK_ATTACH_TO_MASTER_TARGET, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.ROLLING_BACK,
                    vm -> new AttachDisks(vm.target().vCenter(), vm.target().masterTarget(), vm.target().replicaDisks(), null, List.of())),
            // only the VM this failback created, found by its instance UUID and mark, its disks already detached
            step(Step.ROLLBACK_DESTROY_CREATED_VM, Agent.VCENTER, SagaSettings::vcenterStepTimeout, VmState.ROLLING_BACK,
                    vm -> new DestroyCreatedVm(vm.target().vCenter(), vm.target().onPremisesInstanceUuid(), AlternateLocations.createdFor(vm))),
            step(Step.ROLLBACK_RESUME_REPLICATION, Agent.REPLICATION, SagaSettings::replicationStepTimeout, VmState.ROLLING_BACK,
                    vm -> new ResumeReplication(vm.vmId())),
            step(Step.ROLLBACK_START_AZURE_VM, Agent.AZURE, SagaSettings::azureStepTimeout, VmState.ROLLING_BACK,
                    vm -> new StartAzureVm(vm.target().azureVmId())));

    private static final Map<Step, Row> BY_STEP = new EnumMap<>(Step.class);

    static {
        TABLE.forEach(row -> BY_STEP.put(row.step(), row));
    }

    private Procedure() {
    }

    private static Row step(Step step, Agent agent, Function<SagaSettings, Duration> timeout, VmState during,
                            Function<VmJob, Object> command) {
        return new Row(step, agent, timeout, command, during, Step.NONE, Step.NONE, null, (job, vm) -> true, false);
    }

    /** Every row, in the order of the procedure. */
    static List<Row> table() {
        return TABLE;
    }

    static Row of(Step step) {
        Row row = BY_STEP.get(step);
        if (row == null) {
            throw new IllegalTransitionException("step " + step + " is not part of the procedure");
        }
        return row;
    }

    /** The step after {@code step} for this job's VM, passing over steps that don't apply to it; NONE at the end. */
    static Step next(Step step, Job job, VmJob vm) {
        Step next = of(step).next();
        while (next != Step.NONE && !of(next).when().test(job, vm)) {
            next = of(next).next();
        }
        return next;
    }

    /** Where the VM rests when {@code step} succeeds and nothing follows it. */
    static VmState doneAfter(Step step) {
        Row row = of(step);
        if (row.done() == null) {
            throw new IllegalTransitionException("no success path for step " + step);
        }
        return row.done();
    }

    static Duration timeout(Step step, SagaSettings settings) {
        return of(step).timeout().apply(settings);
    }
}
