package io.failback.vcenter.vsphere;

import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.TaskInfoState;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualMachinePowerState;
import io.failback.messages.AlternateLocation;
import io.failback.messages.AlternateLocationToCheck;
import io.failback.messages.CreateVm;
import io.failback.messages.CreatedVmDestroyed;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmCreated;
import io.failback.schemas.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vCenter side of alternate location recovery: checks a location at preflight, creates the new VM (found
 * again by its instance UUID when the command is re-sent) and destroys it on rollback, only when it carries
 * this failback's mark and no disk, so that the replica disks are never deleted with it.
 */
final class CreatedVms {

    private static final Logger log = LoggerFactory.getLogger(CreatedVms.class);

    private CreatedVms() {
    }

    /** One line per place of the location that is missing, and one when the name is taken by a VM not this failback's. */
    static List<String> problems(VimSession s, AlternateLocationToCheck check) throws RemoteException {
        AlternateLocation l = check.getLocation();
        Places.Found found = Places.find(s, l);
        List<String> problems = new ArrayList<>(found.problems());
        if (found.folder() != null) {
            Places.TakenName taken = Places.vmInFolder(s, found.folder(), l.getVmName(), NewVm.MARK);
            if (taken != null && !check.getCreatedFor().equals(taken.mark())) {
                problems.add("the name " + l.getVmName() + " is taken by another VM in " + folderName(l));
            }
        }
        return problems;
    }

    static VmCreated create(VsphereClient vcenter, VimSession s, CreateVm c) throws RemoteException, InterruptedException {
        AlternateLocation l = c.getLocation();
        ManagedObjectReference existing = s.vmByInstanceUuid(c.getInstanceUuid());
        if (existing != null) {
            Map<String, Object> props = s.read(existing, "name", "config.extraConfig");
            String mark = VimSession.extraConfig(props.get("config.extraConfig"), NewVm.MARK);
            if (!c.getCreatedFor().equals(mark)) {
                throw new VcenterFailure(VcenterResultCode.INVALID_STATE, "VM " + props.get("name") + " already has the instance UUID "
                        + c.getInstanceUuid() + " and was not created by this failback; nothing changed");
            }
            return new VmCreated(String.valueOf(props.get("name")), c.getInstanceUuid(), true);
        }
        Places.Found found = Places.find(s, l);
        if (!found.problems().isEmpty()) {
            throw new VcenterFailure(VcenterResultCode.NOT_FOUND, "can't create VM " + l.getVmName() + ", nothing created: "
                    + String.join("; ", found.problems()));
        }
        Places.TakenName taken = Places.vmInFolder(s, found.folder(), l.getVmName(), NewVm.MARK);
        if (taken != null) {
            if (c.getCreatedFor().equals(taken.mark())) {
                // This failback's VM from an earlier attempt, to which vCenter gave another instance UUID than asked.
                log.warn("vCenter {}: VM {} of {} found by name, its instance UUID {} not the {} asked", vcenter.name(),
                        LogSafe.of(l.getVmName()), LogSafe.of(c.getCreatedFor()), LogSafe.of(taken.instanceUuid()), LogSafe.of(c.getInstanceUuid()));
                return new VmCreated(l.getVmName(), taken.instanceUuid(), true);
            }
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, "the name " + l.getVmName() + " is taken by another VM in "
                    + folderName(l) + "; nothing created");
        }
        List<NewVm.Controller> controllers = NewVm.controllers(c.getLayout());
        TaskInfo info = s.await(s.vim().createVM_Task(found.folder(), NewVm.spec(l.getVmName(), c.getShape(), c.getInstanceUuid(),
                c.getCreatedFor(), found.datastore(), controllers, found.network()), found.pool(), found.host()));
        if (info.getState() == TaskInfoState.error) {
            throw Faults.fromTask("CreateVM_Task", info.getError());
        }
        ManagedObjectReference vm = VimSession.typed(info.getResult(), VimSession.VIRTUAL_MACHINE);
        if (vm == null) {
            throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "CreateVM_Task succeeded without naming the VM " + l.getVmName());
        }
        // What vCenter actually made: it may give another instance UUID than asked (one already in use, say).
        Map<String, Object> made = s.read(vm, "name", "config.instanceUuid", "config.extraConfig");
        String uuid = String.valueOf(made.get("config.instanceUuid"));
        if (!c.getCreatedFor().equals(VimSession.extraConfig(made.get("config.extraConfig"), NewVm.MARK))) {
            throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "CreateVM_Task succeeded but VM " + l.getVmName() + " (instance UUID "
                    + uuid + ") lacks the mark " + NewVm.MARK + "; a rollback won't destroy it");
        }
        if (!uuid.equalsIgnoreCase(c.getInstanceUuid())) {
            log.warn("vCenter {}: VM {} got the instance UUID {}, not the {} asked", vcenter.name(), LogSafe.of(l.getVmName()),
                    LogSafe.of(uuid), LogSafe.of(c.getInstanceUuid()));
        }
        log.info("vCenter {}: created VM {} (instance UUID {}) for {} with {} controller(s){}", vcenter.name(), LogSafe.of(l.getVmName()),
                LogSafe.of(uuid), LogSafe.of(c.getCreatedFor()), controllers.size(), found.network() == null ? "" : " and one adapter");
        return new VmCreated(String.valueOf(made.get("name")), uuid, false);
    }

    static CreatedVmDestroyed destroy(VsphereClient vcenter, VimSession s, DestroyCreatedVm c) throws RemoteException, InterruptedException {
        ManagedObjectReference vm = s.vmByInstanceUuid(c.getInstanceUuid());
        if (vm == null) {
            return new CreatedVmDestroyed(true);
        }
        Map<String, Object> props = s.read(vm, "name", "config.extraConfig", "config.hardware.device", "runtime.powerState");
        String name = String.valueOf(props.get("name"));
        String what = "VM " + name + " (instance UUID " + c.getInstanceUuid() + ")";
        if (!c.getCreatedFor().equals(VimSession.extraConfig(props.get("config.extraConfig"), NewVm.MARK))) {
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, what + " was not created by this failback; nothing changed");
        }
        List<String> disks = disks(VimSession.devices(props.get("config.hardware.device")));
        if (!disks.isEmpty()) {
            // Destroy_Task deletes the files of the disks attached: the replica disks would be lost.
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, what + " still has disks attached " + disks
                    + "; destroying it would delete them, nothing destroyed");
        }
        Object power = props.get("runtime.powerState");
        if (!VirtualMachinePowerState.poweredOff.name().equals(String.valueOf(power))) {
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, what + " is " + power + "; nothing destroyed");
        }
        TaskInfo info = s.await(s.vim().destroy_Task(vm));
        if (info.getState() == TaskInfoState.error) {
            throw Faults.fromTask("Destroy_Task", info.getError());
        }
        if (s.vmByInstanceUuid(c.getInstanceUuid()) != null) {
            throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "Destroy_Task succeeded but " + what + " is still there");
        }
        log.info("vCenter {}: destroyed VM {} created for {}", vcenter.name(), LogSafe.of(name), LogSafe.of(c.getCreatedFor()));
        return new CreatedVmDestroyed(false);
    }

    /** Every virtual disk of the VM, by file when it has one. */
    private static List<String> disks(List<VirtualDevice> devices) {
        List<String> disks = new ArrayList<>();
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualDisk) {
                disks.add(d.getBacking() instanceof VirtualDeviceFileBackingInfo f && f.getFileName() != null ? f.getFileName()
                        : "disk " + d.getKey());
            }
        }
        return disks;
    }

    private static String folderName(AlternateLocation l) {
        return l.getFolder() == null ? "the VM folder of datacenter " + l.getDatacenter() : "folder " + l.getFolder();
    }
}
