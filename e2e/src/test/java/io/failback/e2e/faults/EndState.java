package io.failback.e2e.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.Vsphere;
import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;

/**
 * Where one VM ended, read from the peers themselves (the vSphere API of the simulator, the ARM
 * emulator), not from what the services say: fully failed back (on-premises VM on with its replica
 * disks, none left on the master target, the Azure VM deleted), untouched or fully rolled back
 * (on-premises VM off without them, all of them on the master target, the Azure VM running), or
 * half-way, which is never acceptable.
 */
public record EndState(VmSpec vm, Outcome outcome, String facts) {

    /** Where a VM can end. */
    public enum Outcome { FAILED_BACK, ROLLED_BACK, HALF_WAY }

    public static EndState of(FailbackSandbox sandbox, VmSpec vm) {
        EstateSpec estate = sandbox.estate();
        Vsphere vsphere = sandbox.vsphere();
        Vsphere.VmFacts onPrem = vsphere.vm(vm.onPremisesVm());
        List<String> onMasterTarget = new ArrayList<>(vsphere.vm(vm.masterTarget()).diskFiles());
        onMasterTarget.retainAll(vm.replicaDisks());
        List<String> onOnPrem = new ArrayList<>(onPrem.diskFiles());
        onOnPrem.retainAll(vm.replicaDisks());
        Optional<ArmEmulator.VmView> azure = sandbox.arm().vm(estate.azureVmId(vm));
        String facts = String.format("%s %s with replica disks %s; master target %s holds %s; Azure VM %s", vm.onPremisesVm(),
                onPrem.powerState(), onOnPrem, vm.masterTarget(), onMasterTarget,
                azure.map(a -> a.powerState() + "/" + a.provisioningState()).orElse("deleted"));
        int all = vm.replicaDisks().size();
        Outcome outcome;
        if ("poweredOn".equals(onPrem.powerState()) && onOnPrem.size() == all && onMasterTarget.isEmpty() && azure.isEmpty()) {
            outcome = Outcome.FAILED_BACK;
        } else if ("poweredOff".equals(onPrem.powerState()) && onOnPrem.isEmpty() && onMasterTarget.size() == all
                && azure.isPresent() && azure.get().powerState() == ArmPowerState.RUNNING) {
            outcome = Outcome.ROLLED_BACK;
        } else {
            outcome = Outcome.HALF_WAY;
        }
        return new EndState(vm, outcome, facts);
    }

    @Override
    public String toString() {
        return vm.vmId() + " " + outcome + ": " + facts;
    }
}
