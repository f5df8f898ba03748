package io.failback.vcenter.vsphere;

import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.vmware.vim25.AboutInfo;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ParaVirtualSCSIController;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.TaskInfoState;
import com.vmware.vim25.ToolsConfigInfo;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceConfigSpec;
import com.vmware.vim25.VirtualDeviceConfigSpecOperation;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualDiskFlatVer2BackingInfo;
import com.vmware.vim25.VirtualMachineConfigSpec;
import com.vmware.vim25.VirtualMachinePowerState;
import com.vmware.vim25.VirtualMachineSnapshotInfo;
import com.vmware.vim25.VirtualMachineSnapshotTree;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.VirtualSCSISharing;
import io.failback.messages.AlternateLocationToCheck;
import io.failback.messages.ConnectionChecked;
import io.failback.messages.CreateVm;
import io.failback.messages.CreatedVmDestroyed;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.DiskPlacement;
import io.failback.messages.DisksChanged;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.OnPremisesVmToCheck;
import io.failback.messages.PowerState;
import io.failback.messages.ToolsEnabled;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmCreated;
import io.failback.messages.VmPowerState;
import io.failback.schemas.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vCenter steps of a failback. Each reads the actual state first and answers success without a
 * change when the step is already done; each change is read back before it is reported. Failures
 * are {@link VcenterFailure}s with a named code.
 */
public final class VcenterOperations {

    /** The VMware Tools mechanism: "Check and upgrade VMware Tools before each power on". */
    public static final String TOOLS_UPGRADE_POLICY = "upgradeAtPowerCycle";
    public static final String TOOLS_MECHANISM = "config.tools.toolsUpgradePolicy=" + TOOLS_UPGRADE_POLICY + " (ReconfigVM_Task)";

    private static final Logger log = LoggerFactory.getLogger(VcenterOperations.class);
    private static final int FIRST_NEW_CONTROLLER_KEY = -100;
    private static final int FIRST_NEW_DISK_KEY = -1000;

    public ConnectionChecked checkConnection(VsphereClient vcenter) {
        return vcenter.execute("check connection", s -> {
            s.ping();
            return new ConnectionChecked(true, version(s.content().getAbout()));
        });
    }

    /**
     * The preflight's one question to vCenter: the master target (present, snapshots, replica disks, guest
     * OS family) and, when asked, the on-premises VM (found by instance UUID, powered off, room for the
     * replica disks at their original places). Reads only.
     */
    public MasterTargetInspected inspectMasterTarget(VsphereClient vcenter, String vm, List<String> replicaDisks,
                                                     OnPremisesVmToCheck onPremises) {
        return vcenter.execute("inspect master target " + vm, s -> {
            OnPremisesVmInspected onPremisesVm = onPremises == null ? null : inspectOnPremises(s, onPremises, replicaDisks);
            List<ManagedObjectReference> found = s.vmsNamed(vm);
            if (found.isEmpty()) {
                return new MasterTargetInspected(false, 0, List.of(), null, "", onPremisesVm, List.of());
            }
            ManagedObjectReference mor = s.vmNamed(vm);
            Map<String, Object> props = s.read(mor, "snapshot", "config.hardware.device", "config.guestId");
            int snapshots = props.get("snapshot") instanceof VirtualMachineSnapshotInfo info ? count(info.getRootSnapshotList()) : 0;
            Set<String> attached = diskFiles(VimSession.devices(props.get("config.hardware.device"))).keySet();
            List<String> present = replicaDisks.stream().filter(d -> attached.contains(DiskPaths.normalize(d))).toList();
            String guestId = props.get("config.guestId") == null ? "" : props.get("config.guestId").toString();
            return new MasterTargetInspected(true, snapshots, present, GuestFamily.of(guestId), guestId, onPremisesVm, List.of());
        });
    }

    private static OnPremisesVmInspected inspectOnPremises(VimSession s, OnPremisesVmToCheck check, List<String> replicaDisks)
            throws RemoteException {
        ManagedObjectReference mor;
        if (check.getInstanceUuid() != null && !check.getInstanceUuid().isBlank()) {
            mor = s.vmByInstanceUuid(check.getInstanceUuid());
        } else {
            List<ManagedObjectReference> named = s.vmsNamed(check.getVm());
            mor = named.isEmpty() ? null : s.vmNamed(check.getVm());
        }
        if (mor == null) {
            return new OnPremisesVmInspected(false, "", false, List.of());
        }
        Map<String, Object> props = s.read(mor, "name", "runtime.powerState", "config.hardware.device");
        List<String> problems = check.getDiskLayout().isEmpty() ? List.of()
                : OriginalLayout.plan(VimSession.devices(props.get("config.hardware.device")), replicaDisks, check.getDiskLayout(),
                        FIRST_NEW_CONTROLLER_KEY).problems();
        boolean off = String.valueOf(props.get("runtime.powerState")).equals(VirtualMachinePowerState.poweredOff.name());
        return new OnPremisesVmInspected(true, String.valueOf(props.get("name")), off, problems);
    }

    /**
     * Alternate location recovery at preflight: one line per place of the location missing in this vCenter, and
     * one when its VM name is taken by a VM that is not this failback's own. Reads only.
     */
    public List<String> alternateLocationProblems(VsphereClient vcenter, AlternateLocationToCheck check) {
        return vcenter.execute("check the alternate location of " + check.getLocation().getVmName(), s -> CreatedVms.problems(s, check));
    }

    /** Creates the VM of an alternate location recovery, or finds the one an earlier attempt created (see CreatedVms). */
    public VmCreated createVm(VsphereClient vcenter, CreateVm command) {
        return vcenter.execute("create VM " + command.getLocation().getVmName(), s -> CreatedVms.create(vcenter, s, command));
    }

    /** Destroys a VM this failback created, only when it is off and has no disk left (see CreatedVms). */
    public CreatedVmDestroyed destroyCreatedVm(VsphereClient vcenter, DestroyCreatedVm command) {
        return vcenter.execute("destroy created VM " + command.getInstanceUuid(), s -> CreatedVms.destroy(vcenter, s, command));
    }

    public VmPowerState powerOff(VsphereClient vcenter, String vm, String instanceUuid) {
        return power(vcenter, vm, instanceUuid, VirtualMachinePowerState.poweredOff);
    }

    public VmPowerState powerOn(VsphereClient vcenter, String vm, String instanceUuid) {
        return power(vcenter, vm, instanceUuid, VirtualMachinePowerState.poweredOn);
    }

    private VmPowerState power(VsphereClient vcenter, String vm, String instanceUuid, VirtualMachinePowerState wanted) {
        String what = (wanted == VirtualMachinePowerState.poweredOn ? "power on " : "power off ") + vm;
        return vcenter.execute(what, s -> {
            ManagedObjectReference mor = s.vm(vm, instanceUuid);
            VirtualMachinePowerState before = powerState(s, mor);
            if (before == wanted) {
                return new VmPowerState(map(before));
            }
            ManagedObjectReference task = wanted == VirtualMachinePowerState.poweredOn
                    ? s.vim().powerOnVM_Task(mor, null) : s.vim().powerOffVM_Task(mor);
            TaskInfo info = s.await(task);
            VirtualMachinePowerState after = powerState(s, mor);
            if (after == wanted) {
                log.info("vCenter {}: {} ({} -> {})", vcenter.name(), LogSafe.of(what), before, after);
                return new VmPowerState(map(after));
            }
            if (info.getState() == TaskInfoState.error) {
                throw Faults.fromTask(taskName(wanted), info.getError());
            }
            throw new VcenterFailure(VcenterResultCode.TASK_FAILED, taskName(wanted) + " succeeded but " + vm + " is " + after);
        });
    }

    /** Removes the disks from the VM's configuration; the files stay where they are. */
    public DisksChanged detach(VsphereClient vcenter, String vm, List<String> disks, String instanceUuid) {
        return onDevicesOf(vcenter, vm, () -> detachNow(vcenter, vm, disks, instanceUuid));
    }

    private DisksChanged detachNow(VsphereClient vcenter, String vm, List<String> disks, String instanceUuid) {
        return vcenter.execute("detach disks from " + vm, s -> {
            ManagedObjectReference mor = s.vm(vm, instanceUuid);
            Map<String, VirtualDisk> onVm = diskFiles(devices(s, mor));
            List<VirtualDeviceConfigSpec> changes = new ArrayList<>();
            for (String disk : disks) {
                VirtualDisk device = onVm.get(DiskPaths.normalize(disk));
                if (device != null) {
                    VirtualDeviceConfigSpec remove = new VirtualDeviceConfigSpec();
                    remove.setOperation(VirtualDeviceConfigSpecOperation.remove);
                    remove.setDevice(device);
                    changes.add(remove);
                }
            }
            if (changes.isEmpty()) {
                return new DisksChanged(List.copyOf(disks));
            }
            reconfigure(s, mor, changes);
            Set<String> still = diskFiles(devices(s, mor)).keySet();
            List<String> left = disks.stream().filter(d -> still.contains(DiskPaths.normalize(d))).toList();
            if (!left.isEmpty()) {
                throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "ReconfigVM_Task succeeded but " + left
                        + " are still attached to " + vm);
            }
            log.info("vCenter {}: detached {} disk(s) from {}, files kept", vcenter.name(), changes.size(), LogSafe.of(vm));
            return new DisksChanged(List.copyOf(disks));
        });
    }

    /**
     * Adds the existing disk files to the VM: each at its original place when a layout is given (refused
     * with LAYOUT_NOT_KEPT, nothing changed, when one can't be), else on free SCSI units, adding
     * controllers when none is free.
     */
    public DisksChanged attach(VsphereClient vcenter, String vm, List<String> disks, String instanceUuid, List<DiskPlacement> layout) {
        return onDevicesOf(vcenter, vm, () -> attachNow(vcenter, vm, disks, instanceUuid, layout));
    }

    /** Device changes reconfigured at once per VM. */
    private static final int DEVICE_CHANGE_ATTEMPTS = 3;
    private final Map<String, java.util.concurrent.locks.ReentrantLock> deviceLocks = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Runs a disk change on one VM at a time: several VMs' disks go back to (or leave) one master target
     * at once, and two reconfigurations planned from the same device list would pick the same SCSI unit.
     * A change that vCenter still refuses as an invalid device spec (another client changed the VM
     * between our read and our reconfigure) is planned again from a fresh read, a bounded number of times.
     */
    private DisksChanged onDevicesOf(VsphereClient vcenter, String vm, java.util.function.Supplier<DisksChanged> change) {
        java.util.concurrent.locks.ReentrantLock lock = deviceLocks.computeIfAbsent(vcenter.name() + "/" + vm,
                k -> new java.util.concurrent.locks.ReentrantLock());
        try {
            if (!lock.tryLock(vcenter.operationTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new VcenterFailure(VcenterResultCode.TIMEOUT, "another disk change on " + vm + " took longer than "
                        + vcenter.operationTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VcenterFailure(VcenterResultCode.TIMEOUT, "interrupted while waiting to change the disks of " + vm);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return change.get();
                } catch (VcenterFailure e) {
                    if (attempt >= DEVICE_CHANGE_ATTEMPTS || e.code() != VcenterResultCode.INVALID_STATE
                            || e.getMessage() == null || !e.getMessage().contains("InvalidDeviceSpec")) {
                        throw e;
                    }
                    log.warn("vCenter {}: {} changed under us ({}); planning again", vcenter.name(), LogSafe.of(vm), LogSafe.of(e.getMessage()));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private DisksChanged attachNow(VsphereClient vcenter, String vm, List<String> disks, String instanceUuid, List<DiskPlacement> layout) {
        return vcenter.execute("attach disks to " + vm, s -> {
            ManagedObjectReference mor = s.vm(vm, instanceUuid);
            List<VirtualDevice> devices = List.of();
            Map<String, String> elsewhere = new HashMap<>();
            for (VimSession.VmDevices other : s.allVmDevices()) {
                if (other.vm().getVal().equals(mor.getVal())) {
                    devices = other.devices();
                } else {
                    diskFiles(other.devices()).keySet().forEach(file -> elsewhere.put(file, other.name()));
                }
            }
            Set<String> onVm = diskFiles(devices).keySet();
            List<String> missing = new ArrayList<>();
            for (String disk : disks) {
                String file = DiskPaths.normalize(disk);
                if (elsewhere.containsKey(file)) {
                    throw new VcenterFailure(VcenterResultCode.DISK_ATTACHED_ELSEWHERE, "disk " + disk
                            + " is attached to VM " + elsewhere.get(file) + ", not taken for " + vm);
                }
                if (!onVm.contains(file) && !missing.contains(disk)) {
                    missing.add(disk);
                }
            }
            if (!layout.isEmpty()) {
                return attachAtOriginalPlaces(vcenter, s, mor, vm, devices, disks, layout);
            }
            if (missing.isEmpty()) {
                return new DisksChanged(List.copyOf(disks));
            }
            reconfigure(s, mor, additions(devices, missing));
            Set<String> after = diskFiles(devices(s, mor)).keySet();
            List<String> absent = disks.stream().filter(d -> !after.contains(DiskPaths.normalize(d))).toList();
            if (!absent.isEmpty()) {
                throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "ReconfigVM_Task succeeded but " + absent
                        + " are not attached to " + vm);
            }
            log.info("vCenter {}: attached {} disk(s) to {}", vcenter.name(), missing.size(), LogSafe.of(vm));
            return new DisksChanged(List.copyOf(disks));
        });
    }

    /** Puts every disk back at its original place, or refuses before any change; each place is read back. */
    private static DisksChanged attachAtOriginalPlaces(VsphereClient vcenter, VimSession s, ManagedObjectReference mor, String vm,
                                                       List<VirtualDevice> devices, List<String> disks, List<DiskPlacement> layout)
            throws RemoteException, InterruptedException {
        OriginalLayout.Plan plan = OriginalLayout.plan(devices, disks, layout, FIRST_NEW_CONTROLLER_KEY);
        if (!plan.problems().isEmpty()) {
            throw new VcenterFailure(VcenterResultCode.LAYOUT_NOT_KEPT, "the disks can't go back to their original places on "
                    + vm + ", nothing changed: " + String.join("; ", plan.problems()));
        }
        if (plan.additions().isEmpty()) {
            return new DisksChanged(List.copyOf(disks));
        }
        List<VirtualDeviceConfigSpec> changes = new ArrayList<>();
        for (OriginalLayout.NewController nc : plan.newControllers()) {
            changes.add(add(newScsiController(nc.key(), nc.busNumber())));
        }
        for (int i = 0; i < plan.additions().size(); i++) {
            OriginalLayout.Addition a = plan.additions().get(i);
            changes.add(add(existingDisk(a.disk(), FIRST_NEW_DISK_KEY - i, a.controllerKey(), a.unit())));
        }
        reconfigure(s, mor, changes);
        Map<String, String> now = OriginalLayout.placesOf(devices(s, mor));
        List<String> misplaced = new ArrayList<>();
        for (DiskPlacement p : layout) {
            String wanted = OriginalLayout.name(p.getControllerType(), p.getBusNumber(), p.getUnitNumber());
            String file = DiskPaths.normalize(p.getDisk());
            if (disks.stream().anyMatch(d -> DiskPaths.normalize(d).equals(file)) && !wanted.equals(now.get(file))) {
                misplaced.add(p.getDisk() + " at " + now.get(file) + " instead of " + wanted);
            }
        }
        if (!misplaced.isEmpty()) {
            throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "ReconfigVM_Task succeeded but " + misplaced);
        }
        log.info("vCenter {}: attached {} disk(s) to {} at their original places", vcenter.name(), plan.additions().size(), LogSafe.of(vm));
        return new DisksChanged(List.copyOf(disks));
    }

    /** Sets the VM to check and upgrade VMware Tools at its next power cycle (see the README). */
    public ToolsEnabled enableTools(VsphereClient vcenter, String vm, String instanceUuid) {
        return vcenter.execute("enable VMware Tools on " + vm, s -> {
            ManagedObjectReference mor = s.vm(vm, instanceUuid);
            if (TOOLS_UPGRADE_POLICY.equals(toolsPolicy(s, mor))) {
                return new ToolsEnabled(TOOLS_MECHANISM);
            }
            ToolsConfigInfo tools = new ToolsConfigInfo();
            tools.setToolsUpgradePolicy(TOOLS_UPGRADE_POLICY);
            VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
            spec.setTools(tools);
            TaskInfo info = s.await(s.vim().reconfigVM_Task(mor, spec));
            if (info.getState() == TaskInfoState.error) {
                throw Faults.fromTask("ReconfigVM_Task", info.getError());
            }
            String now = toolsPolicy(s, mor);
            if (!TOOLS_UPGRADE_POLICY.equals(now)) {
                throw new VcenterFailure(VcenterResultCode.TASK_FAILED, "ReconfigVM_Task succeeded but the Tools upgrade policy of "
                        + vm + " is " + now);
            }
            log.info("vCenter {}: VMware Tools set to upgrade at power cycle on {}", vcenter.name(), LogSafe.of(vm));
            return new ToolsEnabled(TOOLS_MECHANISM);
        });
    }

    private static List<VirtualDeviceConfigSpec> additions(List<VirtualDevice> devices, List<String> files) {
        List<DiskLayout.Controller> controllers = new ArrayList<>();
        Map<Integer, Set<Integer>> used = new HashMap<>();
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualSCSIController c) {
                Integer own = c.getScsiCtlrUnitNumber();
                controllers.add(new DiskLayout.Controller(c.getKey(), c.getBusNumber(), own == null ? DiskLayout.DEFAULT_CONTROLLER_UNIT : own));
            }
            if (d.getControllerKey() != null && d.getUnitNumber() != null) {
                used.computeIfAbsent(d.getControllerKey(), k -> new HashSet<>()).add(d.getUnitNumber());
            }
        }
        DiskLayout.Plan plan = DiskLayout.plan(controllers, used, files.size(), FIRST_NEW_CONTROLLER_KEY);
        List<VirtualDeviceConfigSpec> changes = new ArrayList<>();
        for (DiskLayout.NewController nc : plan.newControllers()) {
            changes.add(add(newScsiController(nc.key(), nc.busNumber())));
        }
        for (int i = 0; i < files.size(); i++) {
            DiskLayout.Slot slot = plan.slots().get(i);
            changes.add(add(existingDisk(files.get(i), FIRST_NEW_DISK_KEY - i, slot.controllerKey(), slot.unit())));
        }
        return changes;
    }

    /** A paravirtual SCSI controller to add, with the temporary key its new disks refer to. */
    private static ParaVirtualSCSIController newScsiController(int key, int busNumber) {
        ParaVirtualSCSIController controller = new ParaVirtualSCSIController();
        controller.setKey(key);
        controller.setBusNumber(busNumber);
        controller.setSharedBus(VirtualSCSISharing.noSharing);
        return controller;
    }

    /** An existing disk file to add as it is: no file operation. */
    private static VirtualDisk existingDisk(String file, int key, int controllerKey, int unit) {
        VirtualDiskFlatVer2BackingInfo backing = new VirtualDiskFlatVer2BackingInfo();
        backing.setFileName(file);
        backing.setDiskMode("persistent");
        VirtualDisk disk = new VirtualDisk();
        disk.setKey(key);
        disk.setControllerKey(controllerKey);
        disk.setUnitNumber(unit);
        disk.setBacking(backing);
        return disk;
    }

    static VirtualDeviceConfigSpec add(VirtualDevice device) {
        VirtualDeviceConfigSpec spec = new VirtualDeviceConfigSpec();
        spec.setOperation(VirtualDeviceConfigSpecOperation.add);
        spec.setDevice(device);
        return spec;
    }

    private static void reconfigure(VimSession s, ManagedObjectReference vm, List<VirtualDeviceConfigSpec> changes)
            throws RemoteException, InterruptedException {
        VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
        spec.setDeviceChange(changes.toArray(new VirtualDeviceConfigSpec[0]));
        TaskInfo info = s.await(s.vim().reconfigVM_Task(vm, spec));
        if (info.getState() == TaskInfoState.error) {
            throw Faults.fromTask("ReconfigVM_Task", info.getError());
        }
    }

    private static List<VirtualDevice> devices(VimSession s, ManagedObjectReference vm) throws RemoteException {
        return VimSession.devices(s.read(vm, "config.hardware.device").get("config.hardware.device"));
    }

    /** The VM's disks by normalised file name. */
    private static Map<String, VirtualDisk> diskFiles(List<VirtualDevice> devices) {
        Map<String, VirtualDisk> files = new LinkedHashMap<>();
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualDisk disk && disk.getBacking() instanceof VirtualDeviceFileBackingInfo file
                    && file.getFileName() != null) {
                files.put(DiskPaths.normalize(file.getFileName()), disk);
            }
        }
        return files;
    }

    private static VirtualMachinePowerState powerState(VimSession s, ManagedObjectReference vm) throws RemoteException {
        Object state = s.read(vm, "runtime.powerState").get("runtime.powerState");
        if (state instanceof VirtualMachinePowerState p) {
            return p;
        }
        return VirtualMachinePowerState.valueOf(String.valueOf(state));
    }

    private static String toolsPolicy(VimSession s, ManagedObjectReference vm) throws RemoteException {
        Object tools = s.read(vm, "config.tools").get("config.tools");
        return tools instanceof ToolsConfigInfo t ? t.getToolsUpgradePolicy() : null;
    }

    private static PowerState map(VirtualMachinePowerState state) {
        if (state == VirtualMachinePowerState.poweredOn) {
            return PowerState.POWERED_ON;
        }
        if (state == VirtualMachinePowerState.suspended) {
            return PowerState.SUSPENDED;
        }
        return PowerState.POWERED_OFF;
    }

    private static String taskName(VirtualMachinePowerState wanted) {
        return wanted == VirtualMachinePowerState.poweredOn ? "PowerOnVM_Task" : "PowerOffVM_Task";
    }

    private static int count(VirtualMachineSnapshotTree[] trees) {
        int n = 0;
        if (trees != null) {
            for (VirtualMachineSnapshotTree t : trees) {
                n += 1 + count(t.getChildSnapshotList());
            }
        }
        return n;
    }

    private static String version(AboutInfo about) {
        return about.getVersion() + " (build " + about.getBuild() + ", API " + about.getApiVersion() + ")";
    }
}
