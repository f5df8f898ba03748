package io.failback.sandbox.arm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The emulator's state: VMs, the managed disks and network interfaces they reference, resource groups
 * and asynchronous operations. An operation reaches its terminal state when its time is up; every
 * read and write first settles the operations that are due, so what a client sees moves on in time
 * whether or not it polls. All access is serialised on this object.
 */
final class ArmModel {

    static final class Vm {
        ArmId id;
        final String location;
        final String vmId = UUID.randomUUID().toString();
        final String osType;
        final String vmSize;
        final Instant created;
        ArmPowerState power;
        String provisioningState = "Succeeded";
        final List<ArmId> disks = new ArrayList<>();
        final List<ArmId> nics = new ArrayList<>();
        final boolean deleteWithVm;
        AsyncOp pending;

        Vm(VmSpec spec, Instant created) {
            this.id = spec.id();
            this.location = spec.location();
            this.osType = spec.osType();
            this.vmSize = spec.vmSize();
            this.power = spec.powerState();
            this.deleteWithVm = spec.deleteWithVm();
            this.created = created;
        }
    }

    /**
     * A managed disk or network interface a VM references: where it is and what holds it change under the
     * model's lock (moves, detaches, deletes), what it {@code is} does not. Deleting it is refused while it is attached.
     */
    static final class Attachable<T extends Attachable.Facts> {
        ArmId id;
        final String location;
        ArmId attachedTo;
        AsyncOp pending;
        final T is;

        /** What a disk or interface is, and ARM's answer to deleting one while attached. */
        interface Facts {
            ArmException inUse(ArmId id, ArmId attachedTo);
        }

        Attachable(ArmId id, String location, ArmId attachedTo, T is) {
            this.id = id;
            this.location = location;
            this.attachedTo = attachedTo;
            this.is = is;
        }

        ArmException inUse() {
            return is.inUse(id, attachedTo);
        }
    }

    record Disk(String uniqueId, int sizeGb, String osType, Instant created) implements Attachable.Facts {
        @Override
        public ArmException inUse(ArmId id, ArmId vm) {
            return new ArmException(409, "OperationNotAllowed", "Disk " + id.name() + " is attached to VM " + vm + ".");
        }
    }

    record Nic(String resourceGuid, String macAddress, String privateIp, boolean primary) implements Attachable.Facts {
        @Override
        public ArmException inUse(ArmId id, ArmId vm) {
            return new ArmException(400, "NicInUse", "Network Interface " + id + " is used by existing resource "
                    + vm + ". In order to delete the network interface, it must be dissociated from the resource.");
        }
    }

    /** An accepted long-running operation, polled through its Azure-AsyncOperation and Location URLs. */
    static final class AsyncOp {
        final String id = UUID.randomUUID().toString();
        final String subscription;
        final String namespace;
        final String location;
        final String apiVersion;
        final OperationKind kind;
        final Instant start;
        final Instant due;
        final Runnable onSuccess;
        final Runnable onFailure;
        final Faults.Fault failure;
        String status = "InProgress";
        Instant end;

        AsyncOp(ArmId target, String location, String apiVersion, OperationKind kind, Instant start, Duration duration,
                Runnable onSuccess, Runnable onFailure, Faults.Fault failure) {
            this.subscription = target.subscription();
            this.namespace = target.namespace();
            this.location = location;
            this.apiVersion = apiVersion;
            this.kind = kind;
            this.start = start;
            this.due = start.plus(duration);
            this.onSuccess = onSuccess;
            this.onFailure = onFailure;
            this.failure = failure;
        }

        boolean done() {
            return !"InProgress".equals(status);
        }
    }

    private final Clock clock;
    private final Map<String, Vm> vms = new LinkedHashMap<>();
    private final Map<String, Attachable<Disk>> disks = new LinkedHashMap<>();
    private final Map<String, Attachable<Nic>> nics = new LinkedHashMap<>();
    private final Set<String> resourceGroups = new HashSet<>();
    private final Map<String, AsyncOp> operations = new LinkedHashMap<>();
    private int nextIp = 4;

    ArmModel(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ seeding and direct reads

    synchronized void seed(VmSpec spec) {
        settle();
        ArmId id = spec.id();
        if (vms.containsKey(id.key())) {
            throw new IllegalArgumentException("already seeded: " + id);
        }
        Instant now = now();
        Vm vm = new Vm(spec, now);
        resourceGroups.add(id.resourceGroupKey());
        ArmId os = id.sibling(ArmId.COMPUTE, "disks", id.name() + "_OsDisk_1");
        disks.put(os.key(), new Attachable<>(os, spec.location(), id, new Disk(UUID.randomUUID().toString(), 127, spec.osType(), now)));
        vm.disks.add(os);
        for (int i = 1; i <= spec.dataDisks(); i++) {
            ArmId data = id.sibling(ArmId.COMPUTE, "disks", id.name() + "_DataDisk_" + i);
            disks.put(data.key(), new Attachable<>(data, spec.location(), id, new Disk(UUID.randomUUID().toString(), 128, null, now)));
            vm.disks.add(data);
        }
        for (int i = 1; i <= spec.networkInterfaces(); i++) {
            ArmId nicId = id.sibling(ArmId.NETWORK, "networkInterfaces", id.name() + (i == 1 ? "-nic" : "-nic" + i));
            int host = nextIp++;
            String mac = String.format("00-0D-3A-%02X-%02X-%02X", (host >> 16) & 0xff, (host >> 8) & 0xff, host & 0xff);
            String ip = "10.0." + (host / 250) + "." + (host % 250 + 4);
            nics.put(nicId.key(), new Attachable<>(nicId, spec.location(), id, new Nic(UUID.randomUUID().toString(), mac, ip, i == 1)));
            vm.nics.add(nicId);
        }
        vms.put(id.key(), vm);
    }

    synchronized void addResourceGroup(String subscription, String group) {
        resourceGroups.add(ArmId.virtualMachine(subscription, group, "x").resourceGroupKey());
    }

    /** Moves a VM with its disks and interfaces to another resource group of the same subscription. */
    synchronized ArmId move(ArmId vmId, String targetGroup) {
        settle();
        Vm vm = requireVm(vmId);
        ArmId moved = vm.id.inResourceGroup(targetGroup);
        resourceGroups.add(moved.resourceGroupKey());
        vms.remove(vm.id.key());
        vm.id = moved;
        vms.put(moved.key(), vm);
        moveAlong(disks, vm.disks, moved);
        moveAlong(nics, vm.nics, moved);
        return moved;
    }

    private static <T extends Attachable<?>> void moveAlong(Map<String, T> from, List<ArmId> ids, ArmId movedVm) {
        for (int i = 0; i < ids.size(); i++) {
            T resource = from.remove(ids.get(i).key());
            if (resource != null) {
                resource.id = resource.id.inResourceGroup(movedVm.resourceGroup());
                resource.attachedTo = movedVm;
                from.put(resource.id.key(), resource);
                ids.set(i, resource.id);
            }
        }
    }

    synchronized Optional<Vm> findVm(ArmId id) {
        settle();
        return Optional.ofNullable(vms.get(id.key()));
    }

    synchronized List<Vm> listVms(String subscription, String groupOrNull) {
        settle();
        String sub = subscription.toLowerCase(Locale.ROOT);
        return vms.values().stream()
                .filter(v -> v.id.subscription().toLowerCase(Locale.ROOT).equals(sub))
                .filter(v -> groupOrNull == null || v.id.resourceGroup().equalsIgnoreCase(groupOrNull))
                .toList();
    }

    synchronized Optional<Attachable<Disk>> findDisk(ArmId id) {
        settle();
        return Optional.ofNullable(disks.get(id.key()));
    }

    synchronized Optional<Attachable<Nic>> findNic(ArmId id) {
        settle();
        return Optional.ofNullable(nics.get(id.key()));
    }

    synchronized Optional<AsyncOp> findOperation(String operationId) {
        settle();
        return Optional.ofNullable(operations.get(operationId.toLowerCase(Locale.ROOT)));
    }

    synchronized boolean resourceGroupExists(ArmId id) {
        return resourceGroups.contains(id.resourceGroupKey());
    }

    /** Disk state as the disk resource reports it: reserved while its VM is deallocated. */
    synchronized String diskState(Attachable<Disk> disk) {
        if (disk.attachedTo == null) {
            return "Unattached";
        }
        Vm vm = vms.get(disk.attachedTo.key());
        return vm != null && vm.power == ArmPowerState.DEALLOCATED ? "Reserved" : "Attached";
    }

    // ------------------------------------------------------------------ mutations

    /** Starts powerOff, deallocate or start on a VM. */
    synchronized AsyncOp vmAction(ArmId id, OperationKind kind, String apiVersion, Duration duration, Faults.Fault failure) {
        settle();
        Vm vm = requireVm(id);
        refuseWhilePending(vm.pending, vm.id, kind);
        ArmPowerState from = vm.power;
        ArmPowerState during;
        ArmPowerState to;
        if (kind == OperationKind.POWER_OFF_VM) {
            if (from == ArmPowerState.DEALLOCATED) {
                throw new ArmException(409, "OperationNotAllowed", "Operation 'powerOff' is not allowed on VM '"
                        + vm.id.name() + "' since the VM is deallocated.");
            }
            to = ArmPowerState.STOPPED;
            during = from == ArmPowerState.STOPPED ? from : ArmPowerState.STOPPING;
        } else if (kind == OperationKind.DEALLOCATE_VM) {
            to = ArmPowerState.DEALLOCATED;
            during = from == ArmPowerState.DEALLOCATED ? from : ArmPowerState.DEALLOCATING;
        } else if (kind == OperationKind.START_VM) {
            to = ArmPowerState.RUNNING;
            during = from == ArmPowerState.RUNNING ? from : ArmPowerState.STARTING;
        } else {
            throw new IllegalArgumentException("not a VM action: " + kind);
        }
        vm.power = during;
        vm.provisioningState = "Updating";
        AsyncOp op = new AsyncOp(vm.id, vm.location, apiVersion, kind, now(), duration, () -> {
            vm.power = to;
            vm.provisioningState = "Succeeded";
            vm.pending = null;
        }, () -> {
            vm.power = from;
            vm.provisioningState = "Failed";
            vm.pending = null;
        }, failure);
        vm.pending = op;
        return register(op);
    }

    /** Starts deleting a VM; empty when there is nothing to delete (ARM answers 204). */
    synchronized Optional<AsyncOp> deleteVm(ArmId id, String apiVersion, Duration duration, Faults.Fault failure) {
        settle();
        requireGroup(id);
        Vm vm = vms.get(id.key());
        if (vm == null) {
            return Optional.empty();
        }
        refuseWhilePending(vm.pending, vm.id, OperationKind.DELETE_VM);
        String before = vm.provisioningState;
        vm.provisioningState = "Deleting";
        AsyncOp op = new AsyncOp(vm.id, vm.location, apiVersion, OperationKind.DELETE_VM, now(), duration, () -> {
            vms.remove(vm.id.key());
            release(disks, vm.disks, vm.deleteWithVm);
            release(nics, vm.nics, vm.deleteWithVm);
            vm.pending = null;
        }, () -> {
            vm.provisioningState = before;
            vm.pending = null;
        }, failure);
        vm.pending = op;
        return Optional.of(register(op));
    }

    synchronized Optional<AsyncOp> deleteDisk(ArmId id, String apiVersion, Duration duration, Faults.Fault failure) {
        return deleteDetached(disks, id, OperationKind.DELETE_DISK, apiVersion, duration, failure);
    }

    synchronized Optional<AsyncOp> deleteNic(ArmId id, String apiVersion, Duration duration, Faults.Fault failure) {
        return deleteDetached(nics, id, OperationKind.DELETE_NETWORK_INTERFACE, apiVersion, duration, failure);
    }

    private Optional<AsyncOp> deleteDetached(Map<String, ? extends Attachable<?>> from, ArmId id, OperationKind kind,
                                             String apiVersion, Duration duration, Faults.Fault failure) {
        settle();
        requireGroup(id);
        Attachable<?> resource = from.get(id.key());
        if (resource == null) {
            return Optional.empty();
        }
        if (resource.attachedTo != null) {
            throw resource.inUse();
        }
        refuseWhilePending(resource.pending, resource.id, kind);
        AsyncOp op = new AsyncOp(resource.id, resource.location, apiVersion, kind, now(), duration,
                () -> from.remove(resource.id.key()), () -> resource.pending = null, failure);
        resource.pending = op;
        return Optional.of(register(op));
    }

    // ------------------------------------------------------------------ internals

    /** What a VM's deletion does to the resources it referenced: deletes them or detaches them. */
    private static void release(Map<String, ? extends Attachable<?>> from, List<ArmId> ids, boolean delete) {
        for (ArmId id : ids) {
            Attachable<?> resource = from.get(id.key());
            if (resource != null && delete) {
                from.remove(id.key());
            } else if (resource != null) {
                resource.attachedTo = null;
            }
        }
    }

    Vm requireVm(ArmId id) {
        requireGroup(id);
        Vm vm = vms.get(id.key());
        if (vm == null) {
            throw ArmException.resourceNotFound(id);
        }
        return vm;
    }

    void requireGroup(ArmId id) {
        if (!resourceGroups.contains(id.resourceGroupKey())) {
            throw ArmException.resourceGroupNotFound(id);
        }
    }

    private static void refuseWhilePending(AsyncOp pending, ArmId id, OperationKind asked) {
        if (pending != null && !pending.done()) {
            throw new ArmException(409, "Conflict", "Operation '" + verb(asked) + "' on '" + id.name()
                    + "' cannot be performed while operation '" + verb(pending.kind) + "' (" + pending.id + ") is in progress.");
        }
    }

    private static String verb(OperationKind kind) {
        switch (kind) {
            case POWER_OFF_VM: return "powerOff";
            case DEALLOCATE_VM: return "deallocate";
            case START_VM: return "start";
            default: return "delete";
        }
    }

    private AsyncOp register(AsyncOp op) {
        operations.put(op.id, op);
        return op;
    }

    /** Brings every operation whose time is up to its terminal state, oldest first. */
    synchronized void settle() {
        Instant now = now();
        for (AsyncOp op : operations.values()) {
            if (!op.done() && !op.due.isAfter(now)) {
                if (op.failure == null) {
                    op.onSuccess.run();
                    op.status = "Succeeded";
                } else {
                    op.onFailure.run();
                    op.status = "Failed";
                }
                op.end = now;
            }
        }
    }
}
