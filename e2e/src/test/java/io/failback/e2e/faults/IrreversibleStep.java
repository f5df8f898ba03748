package io.failback.e2e.faults;

import java.util.Optional;

import io.failback.messages.AttachDisks;
import io.failback.messages.AzureCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.VcenterCommand;
import io.failback.sandbox.estate.VmSpec;

/**
 * The steps of a failback that can't be taken back by sending them again with a new id, recognised from
 * the command itself (what it asks of which VM), not from the orchestrator's command-id format: an agent
 * sees only the command. Each may be issued under one command id per VM and job.
 */
public enum IrreversibleStep {
    SHUT_DOWN_AZURE_VM,
    DETACH_FROM_MASTER_TARGET,
    ATTACH_TO_ON_PREMISES_VM,
    DELETE_AZURE_VM;

    public static Optional<IrreversibleStep> of(AzureCommand c) {
        if (c.getOperation() instanceof ShutdownAzureVm) {
            return Optional.of(SHUT_DOWN_AZURE_VM);
        }
        if (c.getOperation() instanceof DeleteAzureVm) {
            return Optional.of(DELETE_AZURE_VM);
        }
        return Optional.empty();
    }

    /** Detach from the VM's master target, attach to its on-premises VM; the rollback's opposites are other steps. */
    public static Optional<IrreversibleStep> of(VcenterCommand c, VmSpec vm) {
        if (c.getOperation() instanceof DetachDisks d && d.getVm().equals(vm.masterTarget())) {
            return Optional.of(DETACH_FROM_MASTER_TARGET);
        }
        if (c.getOperation() instanceof AttachDisks a && a.getVm().equals(vm.onPremisesVm())) {
            return Optional.of(ATTACH_TO_ON_PREMISES_VM);
        }
        return Optional.empty();
    }
}
