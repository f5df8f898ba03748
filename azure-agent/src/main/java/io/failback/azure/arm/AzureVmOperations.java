package io.failback.azure.arm;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;


import com.azure.core.management.SubResource;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.DisksClient;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.DataDisk;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.azure.resourcemanager.compute.models.OSDisk;
import com.azure.resourcemanager.network.fluent.NetworkInterfacesClient;
import com.azure.resourcemanager.network.fluent.models.NetworkInterfaceInner;
import io.failback.messages.AzurePowerState;
import io.failback.schemas.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Azure steps, each reading the VM's actual state first so that a repeated command changes
 * nothing: read a VM; shut it down (power off, then deallocate); start it; delete it, then its managed
 * disks and network interfaces. A VM in a transitional state (starting, stopping, updating) is waited
 * for before anything is decided. Failures come out as the SDK's exceptions (ARM's code and message in
 * a {@link ManagementException}) or {@link OperationTimeoutException}; {@link ArmFailures} names them.
 */
public class AzureVmOperations {

    private static final Logger log = LoggerFactory.getLogger(AzureVmOperations.class);
    private static final Set<AzurePowerState> TRANSITIONAL = Set.of(AzurePowerState.STARTING, AzurePowerState.STOPPING,
            AzurePowerState.DEALLOCATING);
    private static final Set<String> BUSY_PROVISIONING = Set.of("updating", "deleting", "creating", "migrating");

    private final VirtualMachinesClient vms;
    private final DisksClient disks;
    private final NetworkInterfacesClient nics;
    private final String subscriptionId;
    private final Duration pollInterval;
    private final Duration operationTimeout;

    public AzureVmOperations(VirtualMachinesClient vms, DisksClient disks, NetworkInterfacesClient nics, String subscriptionId,
                             Duration pollInterval, Duration operationTimeout) {
        this.vms = vms;
        this.disks = disks;
        this.nics = nics;
        this.subscriptionId = subscriptionId;
        this.pollInterval = pollInterval;
        this.operationTimeout = operationTimeout;
    }

    /** The VM's existence, resource group and power state; a VM moved to another group is found there by name. */
    public VmState read(VmRef ref) {
        requireOwnSubscription(ref);
        Optional<VirtualMachineInner> vm = find(ref);
        if (vm.isPresent()) {
            return stateOf(vm.get());
        }
        List<VirtualMachineInner> sameName = new ArrayList<>();
        for (VirtualMachineInner candidate : vms.list()) {
            if (candidate.name().equalsIgnoreCase(ref.name())) {
                sameName.add(candidate);
            }
        }
        if (sameName.size() == 1) {
            VmRef moved = VmRef.parse(sameName.get(0).id());
            log.info("VM {} not found in resource group {} but in {}", LogSafe.of(ref.name()), LogSafe.of(ref.resourceGroup()),
                    LogSafe.of(moved.resourceGroup()));
            return find(moved).map(AzureVmOperations::stateOf).orElse(VmState.gone(ref));
        }
        return VmState.gone(ref);
    }

    /** Powers the VM off and deallocates it; a deallocated VM is left alone. A missing VM is ARM's 404. */
    public VmState shutdown(VmRef ref) {
        requireOwnSubscription(ref);
        Instant deadline = deadline();
        VirtualMachineInner vm = steady(ref, true, deadline).orElseThrow();
        AzurePowerState power = powerState(vm);
        if (power == AzurePowerState.DEALLOCATED) {
            return stateOf(vm);
        }
        if (power != AzurePowerState.STOPPED) {
            complete("powerOff " + ref, () -> vms.beginPowerOff(ref.resourceGroup(), ref.name(), false, Context.NONE), deadline);
        }
        complete("deallocate " + ref, () -> vms.beginDeallocate(ref.resourceGroup(), ref.name(), null, Context.NONE), deadline);
        return stateOf(find(ref, true).orElseThrow());
    }

    /** Starts the VM; a running VM is left alone. A missing VM is ARM's 404. */
    public VmState start(VmRef ref) {
        requireOwnSubscription(ref);
        Instant deadline = deadline();
        VirtualMachineInner vm = steady(ref, true, deadline).orElseThrow();
        if (powerState(vm) == AzurePowerState.RUNNING) {
            return stateOf(vm);
        }
        complete("start " + ref, () -> vms.beginStart(ref.resourceGroup(), ref.name(), Context.NONE), deadline);
        return stateOf(find(ref, true).orElseThrow());
    }

    /**
     * Deletes the VM, then (when asked) the managed disks and network interfaces it referenced, which
     * ARM detaches when the VM goes. A VM that is already gone is success; so is a disk or interface
     * that is already gone. When the VM is already gone, a delete interrupted after the VM went is
     * finished from {@code known}, the resources the VM referenced when it was last read: each is
     * deleted unless it now belongs to another VM, which is left alone and logged.
     */
    public VmState delete(VmRef ref, boolean withDisks, boolean withNetworkInterfaces, Resources known) {
        requireOwnSubscription(ref);
        Instant deadline = deadline();
        Optional<VirtualMachineInner> found = steady(ref, false, deadline);
        if (found.isEmpty()) {
            // every id is checked before anything is deleted
            List<String> diskIds = withDisks ? known.managedDiskIds() : List.of();
            List<String> nicIds = withNetworkInterfaces ? known.networkInterfaceIds() : List.of();
            diskIds.forEach(id -> ownResource(id, "Microsoft.Compute", "disks"));
            nicIds.forEach(id -> ownResource(id, "Microsoft.Network", "networkInterfaces"));
            for (String id : diskIds) {
                ResourceRef disk = ResourceRef.parse(id);
                deleteUnlessTaken(ref, id, diskOwner(disk), () -> deleteDisk(id, disk, deadline));
            }
            for (String id : nicIds) {
                ResourceRef nic = ResourceRef.parse(id);
                deleteUnlessTaken(ref, id, nicOwner(nic), () -> deleteNic(id, nic, deadline));
            }
            return VmState.gone(ref);
        }
        VirtualMachineInner vm = found.get();
        refuseToLoseWhatIsKept(ref, vm, withDisks, withNetworkInterfaces);
        List<String> diskIds = withDisks ? managedDiskIds(vm) : List.of();
        List<String> nicIds = withNetworkInterfaces ? networkInterfaceIds(vm) : List.of();
        complete("delete " + ref, () -> vms.beginDelete(ref.resourceGroup(), ref.name(), null, Context.NONE), deadline);
        for (String id : diskIds) {
            deleteDisk(id, ResourceRef.parse(id), deadline);
        }
        for (String id : nicIds) {
            deleteNic(id, ResourceRef.parse(id), deadline);
        }
        return VmState.gone(ref);
    }

    /**
     * A delete that keeps disks (or interfaces) must not delete a VM whose disks (or interfaces) ARM
     * deletes with it ({@code deleteOption: Delete}): they would be lost although they were to be kept.
     */
    private static void refuseToLoseWhatIsKept(VmRef ref, VirtualMachineInner vm, boolean withDisks, boolean withNetworkInterfaces) {
        List<String> lost = new ArrayList<>();
        if (!withDisks && vm.storageProfile() != null) {
            OSDisk os = vm.storageProfile().osDisk();
            if (os != null && deletedWithVm(os.deleteOption()) && os.managedDisk() != null) {
                lost.add(os.managedDisk().id());
            }
            for (DataDisk disk : vm.storageProfile().dataDisks() == null ? List.<DataDisk>of() : vm.storageProfile().dataDisks()) {
                if (deletedWithVm(disk.deleteOption()) && disk.managedDisk() != null) {
                    lost.add(disk.managedDisk().id());
                }
            }
        }
        if (!withNetworkInterfaces && vm.networkProfile() != null && vm.networkProfile().networkInterfaces() != null) {
            for (NetworkInterfaceReference nic : vm.networkProfile().networkInterfaces()) {
                if (deletedWithVm(nic.deleteOption())) {
                    lost.add(nic.id());
                }
            }
        }
        if (!lost.isEmpty()) {
            throw new KeptResourceWouldBeDeletedException(ref + " is not deleted: it is to keep its disks or network interfaces,"
                    + " but ARM deletes these with it (deleteOption Delete): " + String.join(", ", lost));
        }
    }

    /** ARM's deleteOption (DiskDeleteOptionTypes or DeleteOptions, expandable string enums) says "Delete". */
    private static boolean deletedWithVm(Object deleteOption) {
        return deleteOption != null && deleteOption.toString().equalsIgnoreCase("Delete");
    }

    /** The disks and network interfaces a VM referenced, as a delete command carries them. */
    public record Resources(List<String> managedDiskIds, List<String> networkInterfaceIds) {
    }

    /** Deletes a resource of a deleted VM unless it now belongs to another VM: that one is left alone. */
    private static void deleteUnlessTaken(VmRef deleted, String id, Optional<String> owner, Runnable delete) {
        if (owner.isPresent() && !owner.get().equalsIgnoreCase(deleted.toString())) {
            log.warn("{} of the deleted VM {} now belongs to {}; left alone", LogSafe.of(id), LogSafe.of(deleted), LogSafe.of(owner.get()));
            return;
        }
        delete.run();
    }

    private void deleteDisk(String id, ResourceRef disk, Instant deadline) {
        ignoreNotFound(() -> complete("delete disk " + id,
                () -> disks.beginDelete(disk.resourceGroup(), disk.name(), Context.NONE), deadline));
    }

    private void deleteNic(String id, ResourceRef nic, Instant deadline) {
        ignoreNotFound(() -> complete("delete network interface " + id,
                () -> nics.beginDelete(nic.resourceGroup(), nic.name(), Context.NONE), deadline));
    }

    /** The VM a disk is attached to; empty when it is unattached or gone. */
    private Optional<String> diskOwner(ResourceRef disk) {
        try {
            return Optional.ofNullable(disks.getByResourceGroup(disk.resourceGroup(), disk.name()).managedBy());
        } catch (ManagementException e) {
            if (isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The VM a network interface is used by; empty when it is unused or gone. */
    private Optional<String> nicOwner(ResourceRef nic) {
        try {
            NetworkInterfaceInner found = nics.getByResourceGroup(nic.resourceGroup(), nic.name());
            return Optional.ofNullable(found.virtualMachine()).map(SubResource::id);
        } catch (ManagementException e) {
            if (isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A resource id the agent may delete: of the given type, in the subscription it serves. */
    private ResourceRef ownResource(String id, String namespace, String type) {
        ResourceRef r = ResourceRef.parse(id);
        if (!r.namespace().equalsIgnoreCase(namespace) || !r.type().equalsIgnoreCase(type)) {
            throw new IllegalArgumentException("not a " + namespace + "/" + type + " id: " + id);
        }
        if (!r.subscription().equalsIgnoreCase(subscriptionId)) {
            throw new IllegalArgumentException(id + " is in subscription " + r.subscription() + "; this agent serves " + subscriptionId);
        }
        return r;
    }

    // ------------------------------------------------------------------ reading

    private Optional<VirtualMachineInner> find(VmRef ref) {
        return find(ref, false);
    }

    /** The VM with its instance view; ARM's 404 is thrown when {@code mustExist}, else empty. */
    private Optional<VirtualMachineInner> find(VmRef ref, boolean mustExist) {
        try {
            return Optional.of(vms.getByResourceGroupWithResponse(ref.resourceGroup(), ref.name(), InstanceViewTypes.INSTANCE_VIEW,
                    Context.NONE).getValue());
        } catch (ManagementException e) {
            if (isNotFound(e) && !mustExist) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The VM once no operation is changing it, or empty when it does not exist (any more) and need not. */
    private Optional<VirtualMachineInner> steady(VmRef ref, boolean mustExist, Instant deadline) {
        while (true) {
            Optional<VirtualMachineInner> vm = find(ref, mustExist);
            if (vm.isEmpty() || !isBusy(vm.get())) {
                return vm;
            }
            if (Instant.now().plus(pollInterval).isAfter(deadline)) {
                throw new OperationTimeoutException("waiting for " + ref + " to leave " + powerState(vm.get()) + "/"
                        + vm.get().provisioningState(), operationTimeout);
            }
            log.info("VM {} is {} / {}: waiting before acting", LogSafe.of(ref), LogSafe.of(powerState(vm.get())),
                    LogSafe.of(vm.get().provisioningState()));
            sleep(pollInterval);
        }
    }

    private static boolean isBusy(VirtualMachineInner vm) {
        String provisioning = vm.provisioningState() == null ? "" : vm.provisioningState().toLowerCase(Locale.ROOT);
        return TRANSITIONAL.contains(powerState(vm)) || BUSY_PROVISIONING.contains(provisioning);
    }

    static VmState stateOf(VirtualMachineInner vm) {
        return new VmState(true, VmRef.parse(vm.id()).resourceGroup(), powerState(vm), managedDiskIds(vm), networkInterfaceIds(vm));
    }

    static AzurePowerState powerState(VirtualMachineInner vm) {
        if (vm.instanceView() == null || vm.instanceView().statuses() == null) {
            return AzurePowerState.UNKNOWN;
        }
        for (InstanceViewStatus status : vm.instanceView().statuses()) {
            String code = status.code() == null ? "" : status.code().toLowerCase(Locale.ROOT);
            if (code.startsWith("powerstate/")) {
                switch (code.substring("powerstate/".length())) {
                    case "running": return AzurePowerState.RUNNING;
                    case "stopped": return AzurePowerState.STOPPED;
                    case "deallocated": return AzurePowerState.DEALLOCATED;
                    case "starting": return AzurePowerState.STARTING;
                    case "stopping": return AzurePowerState.STOPPING;
                    case "deallocating": return AzurePowerState.DEALLOCATING;
                    default: return AzurePowerState.UNKNOWN;
                }
            }
        }
        return AzurePowerState.UNKNOWN;
    }

    private static List<String> managedDiskIds(VirtualMachineInner vm) {
        List<String> ids = new ArrayList<>();
        if (vm.storageProfile() == null) {
            return ids;
        }
        if (vm.storageProfile().osDisk() != null && vm.storageProfile().osDisk().managedDisk() != null
                && vm.storageProfile().osDisk().managedDisk().id() != null) {
            ids.add(vm.storageProfile().osDisk().managedDisk().id());
        }
        if (vm.storageProfile().dataDisks() != null) {
            for (DataDisk disk : vm.storageProfile().dataDisks()) {
                if (disk.managedDisk() != null && disk.managedDisk().id() != null) {
                    ids.add(disk.managedDisk().id());
                }
            }
        }
        return ids;
    }

    private static List<String> networkInterfaceIds(VirtualMachineInner vm) {
        List<String> ids = new ArrayList<>();
        if (vm.networkProfile() != null && vm.networkProfile().networkInterfaces() != null) {
            for (NetworkInterfaceReference nic : vm.networkProfile().networkInterfaces()) {
                if (nic.id() != null) {
                    ids.add(nic.id());
                }
            }
        }
        return ids;
    }

    // ------------------------------------------------------------------ long-running operations

    /** Starts a long-running operation and follows it to its end; a failed or cancelled end throws ARM's error. */
    private void complete(String what, Supplier<SyncPoller<PollResult<Void>, Void>> begin, Instant deadline) {
        Duration remaining = Duration.between(Instant.now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
            throw new OperationTimeoutException(what, operationTimeout);
        }
        SyncPoller<PollResult<Void>, Void> poller = begin.get().setPollInterval(pollInterval);
        PollResponse<PollResult<Void>> last;
        try {
            last = poller.waitForCompletion(remaining);
        } catch (RuntimeException e) {
            if (hasCause(e, TimeoutException.class)) {
                throw new OperationTimeoutException(what, operationTimeout);
            }
            throw e;
        }
        if (last.getStatus() == LongRunningOperationStatus.IN_PROGRESS
                || last.getStatus() == LongRunningOperationStatus.NOT_STARTED) {
            throw new OperationTimeoutException(what, operationTimeout);
        }
        if (last.getStatus() == LongRunningOperationStatus.FAILED || last.getStatus() == LongRunningOperationStatus.USER_CANCELLED) {
            throw ArmFailures.operationFailed(what, last.getValue());
        }
        poller.getFinalResult();
        log.info("{}: {}", LogSafe.of(what), last.getStatus());
    }

    private static void ignoreNotFound(Runnable action) {
        try {
            action.run();
        } catch (ManagementException e) {
            if (!isNotFound(e)) {
                throw e;
            }
        }
    }

    static boolean isNotFound(ManagementException e) {
        return e.getResponse() != null && e.getResponse().getStatusCode() == 404;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void requireOwnSubscription(VmRef ref) {
        if (!ref.subscription().equalsIgnoreCase(subscriptionId)) {
            throw new IllegalArgumentException("the VM is in subscription " + ref.subscription() + "; this agent serves "
                    + subscriptionId);
        }
    }

    private Instant deadline() {
        return Instant.now().plus(operationTimeout);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
