package io.failback.vcenter;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.failback.messages.AlternateLocation;
import io.failback.messages.AttachDisks;
import io.failback.messages.CheckConnection;
import io.failback.messages.CreateVm;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.DiskPlacement;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.MachineShape;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.VcenterCommand;

/** Test data: vCenter commands as the orchestrator sends them, each with fresh ids. */
final class Commands {

    private Commands() {
    }

    static VcenterCommand checkConnection(String vcenter) {
        return command("vm-any", new CheckConnection(vcenter));
    }

    static VcenterCommand inspect(String vcenter, String masterTarget, List<String> disks) {
        return command("vm-" + masterTarget, new InspectMasterTarget(vcenter, masterTarget, disks, null, null));
    }

    static VcenterCommand powerOff(String vcenter, String vm) {
        return command("vm-" + vm, new PowerOffVm(vcenter, vm, null));
    }

    static VcenterCommand powerOn(String vcenter, String vm) {
        return command("vm-" + vm, new PowerOnVm(vcenter, vm, null));
    }

    static VcenterCommand detach(String vcenter, String vm, List<String> disks) {
        return command("vm-" + vm, new DetachDisks(vcenter, vm, disks, null));
    }

    static VcenterCommand attach(String vcenter, String vm, List<String> disks) {
        return command("vm-" + vm, new AttachDisks(vcenter, vm, disks, null, List.of()));
    }

    static VcenterCommand enableTools(String vcenter, String vm) {
        return command("vm-" + vm, new EnableVmwareTools(vcenter, vm, null));
    }

    static VcenterCommand createVm(AlternateLocation location, MachineShape shape, String instanceUuid, String createdFor,
                                   List<DiskPlacement> layout) {
        return command("vm-" + location.getVmName(), new CreateVm(location, shape, instanceUuid, createdFor, layout));
    }

    static VcenterCommand destroyCreatedVm(String vcenter, String instanceUuid, String createdFor) {
        return command("vm-" + instanceUuid, new DestroyCreatedVm(vcenter, instanceUuid, createdFor));
    }

    static VcenterCommand command(String vmId, Object operation) {
        return VcenterCommand.newBuilder()
                .setCommandId("cmd-" + UUID.randomUUID())
                .setJobId("job-" + UUID.randomUUID())
                .setVmId(vmId)
                .setIssuedAt(Instant.now())
                .setOperation(operation)
                .build();
    }
}
