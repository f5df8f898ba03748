package io.failback.bench;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AttachDisks;
import io.failback.messages.AzurePowerState;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.AzureVmState;
import io.failback.messages.ConnectionChecked;
import io.failback.messages.DetachDisks;
import io.failback.messages.DisksChanged;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OnPremisesVmToCheck;
import io.failback.messages.OsType;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.PowerState;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ToolsEnabled;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmPowerState;

/**
 * What a healthy agent answers to each command, without touching anything: success with the read-back a
 * real agent reports (the Azure VM running with its disks, the master target holding the replica disks and
 * running the VM's OS family, the on-premises VM found and off).
 */
final class Answers {

    private Answers() {
    }

    static AzureResult of(AzureCommand c) {
        AzureVmState state = null;
        if (c.getOperation() instanceof ReadAzureVm) {
            String disks = "/subscriptions/sub/resourceGroups/rg-dr/providers/Microsoft.Compute/disks/" + c.getVmId();
            state = new AzureVmState(true, "rg-dr", AzurePowerState.RUNNING, List.of(disks + "_OsDisk_1", disks + "_DataDisk_0"),
                    List.of("/subscriptions/sub/resourceGroups/rg-dr/providers/Microsoft.Network/networkInterfaces/" + c.getVmId() + "-nic"));
        }
        return AzureResult.newBuilder().setCommandId(c.getCommandId()).setJobId(c.getJobId()).setVmId(c.getVmId())
                .setCode(AzureResultCode.OK).setArmCode("").setMessage("").setCompletedAt(Instant.now()).setOutcome(state).build();
    }

    static VcenterResult of(VcenterCommand c) {
        Object op = c.getOperation();
        Object outcome;
        if (op instanceof InspectMasterTarget i) {
            OnPremisesVmToCheck onPremises = i.getOnPremisesVm();
            OsType os = onPremises == null ? OsType.LINUX : onPremises.getOsType();
            outcome = new MasterTargetInspected(true, 0, i.getReplicaDisks(), os,
                    os == OsType.WINDOWS ? "windows9Server64Guest" : "ubuntu64Guest",
                    onPremises == null ? null : new OnPremisesVmInspected(true, onPremises.getVm(), true, List.of()), List.of());
        } else if (op instanceof PowerOnVm) {
            outcome = new VmPowerState(PowerState.POWERED_ON);
        } else if (op instanceof PowerOffVm) {
            outcome = new VmPowerState(PowerState.POWERED_OFF);
        } else if (op instanceof AttachDisks a) {
            outcome = new DisksChanged(a.getDisks());
        } else if (op instanceof DetachDisks d) {
            outcome = new DisksChanged(d.getDisks());
        } else if (op instanceof EnableVmwareTools) {
            outcome = new ToolsEnabled("toolsUpgradePolicy");
        } else {
            outcome = new ConnectionChecked(true, "6.0");
        }
        return VcenterResult.newBuilder().setCommandId(c.getCommandId()).setJobId(c.getJobId()).setVmId(c.getVmId())
                .setCode(VcenterResultCode.OK).setMessage("").setCompletedAt(Instant.now()).setOutcome(outcome).build();
    }
}
