package io.failback.sandbox.arm;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON bodies of ARM's published contract for the resources the emulator keeps, at the API
 * versions the Azure SDK for Java uses (virtual machines 2025-04-01, disks 2025-01-02, network
 * interfaces 2025-03-01), with the fields a client of these operations reads: one record a JSON
 * object, written by Jackson. A null component is left out, as ARM leaves out what a resource lacks.
 */
final class Representations {

    /** Writes every body the emulator sends: null fields left out, fields in the records' order. */
    static final JsonMapper JSON = JsonMapper.builder()
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build();

    private static final String STORAGE_TYPE = "Premium_LRS";

    private Representations() {
    }

    record VirtualMachine(String name, String id, String type, String location, Map<String, String> tags,
                          VmProperties properties) {
    }

    record VmProperties(String vmId, HardwareProfile hardwareProfile, StorageProfile storageProfile,
                        NetworkProfile networkProfile, String provisioningState, String timeCreated, InstanceView instanceView) {
    }

    record HardwareProfile(String vmSize) {
    }

    record StorageProfile(AttachedDisk osDisk, List<AttachedDisk> dataDisks) {
    }

    /** The OS disk has an {@code osType} and no {@code lun}; a data disk the other way round. */
    record AttachedDisk(String osType, Integer lun, String name, String createOption, String caching, ManagedDisk managedDisk,
                        String deleteOption, int diskSizeGB, Boolean toBeDetached) {
    }

    record ManagedDisk(String storageAccountType, String id) {
    }

    record NetworkProfile(List<NetworkInterfaceReference> networkInterfaces) {
    }

    record NetworkInterfaceReference(String id, NetworkInterfaceReferenceProperties properties) {
    }

    record NetworkInterfaceReferenceProperties(boolean primary, String deleteOption) {
    }

    record InstanceView(String computerName, String osName, List<DiskInstanceView> disks, List<Status> statuses) {
    }

    record DiskInstanceView(String name, List<Status> statuses) {
    }

    record Status(String code, String level, String displayStatus, String time) {
    }

    record Disk(String name, String id, String type, String location, Sku sku, DiskProperties properties, String managedBy) {
    }

    record Sku(String name, String tier) {
    }

    record DiskProperties(CreationData creationData, int diskSizeGB, String diskState, String provisioningState,
                          String timeCreated, String uniqueId, String osType) {
    }

    record CreationData(String createOption) {
    }

    record NetworkInterface(String name, String id, String etag, String type, String location, NetworkInterfaceProperties properties) {
    }

    record NetworkInterfaceProperties(String provisioningState, String resourceGuid, List<IpConfiguration> ipConfigurations,
                                      String macAddress, boolean primary, boolean enableAcceleratedNetworking,
                                      boolean enableIPForwarding, Reference virtualMachine) {
    }

    record IpConfiguration(String name, String id, IpConfigurationProperties properties) {
    }

    record IpConfigurationProperties(String provisioningState, String privateIPAddress, String privateIPAllocationMethod,
                                     boolean primary, String privateIPAddressVersion) {
    }

    record Reference(String id) {
    }

    record OperationStatus(String name, String status, String startTime, String endTime, ErrorDetail error) {
    }

    record ErrorDetail(String code, String message) {
    }

    record ErrorBody(ErrorDetail error) {
    }

    /** ARM's list page (the emulator serves every item on one page). */
    record Page<T>(List<T> value) {
    }

    static VirtualMachine virtualMachine(ArmModel model, ArmModel.Vm vm, boolean withInstanceView) {
        String deleteOption = vm.deleteWithVm ? "Delete" : "Detach";
        AttachedDisk osDisk = new AttachedDisk(vm.osType, null, vm.disks.get(0).name(), "FromImage", "ReadWrite",
                new ManagedDisk(STORAGE_TYPE, vm.disks.get(0).toString()), deleteOption, 127, null);
        List<AttachedDisk> dataDisks = IntStream.range(1, vm.disks.size()).mapToObj(i -> new AttachedDisk(null, i - 1,
                vm.disks.get(i).name(), "Attach", "None", new ManagedDisk(STORAGE_TYPE, vm.disks.get(i).toString()),
                deleteOption, 128, false)).toList();
        List<NetworkInterfaceReference> nics = IntStream.range(0, vm.nics.size()).mapToObj(i -> new NetworkInterfaceReference(
                vm.nics.get(i).toString(), new NetworkInterfaceReferenceProperties(i == 0, deleteOption))).toList();
        VmProperties properties = new VmProperties(vm.vmId, new HardwareProfile(vm.vmSize), new StorageProfile(osDisk, dataDisks),
                new NetworkProfile(nics), vm.provisioningState, vm.created.toString(),
                withInstanceView ? instanceView(model, vm) : null);
        return new VirtualMachine(vm.id.name(), vm.id.toString(), vm.id.fullType(), vm.location, Map.of(), properties);
    }

    static InstanceView instanceView(ArmModel model, ArmModel.Vm vm) {
        String provisioning = vm.provisioningState.toLowerCase(Locale.ROOT);
        List<Status> statuses = List.of(
                new Status("ProvisioningState/" + provisioning, "Failed".equals(vm.provisioningState) ? "Error" : "Info",
                        "Provisioning " + provisioning, model.now().toString()),
                new Status(vm.power.code(), "Info", vm.power.displayStatus(), null));
        List<DiskInstanceView> disks = vm.disks.stream().map(disk -> new DiskInstanceView(disk.name(),
                List.of(new Status("ProvisioningState/succeeded", "Info", "Provisioning succeeded", null)))).toList();
        return new InstanceView(vm.id.name(), vm.osType, disks, statuses);
    }

    static Disk disk(ArmModel model, ArmModel.Attachable<ArmModel.Disk> disk) {
        ArmModel.Disk is = disk.is;
        DiskProperties properties = new DiskProperties(new CreationData(is.osType() == null ? "Empty" : "FromImage"),
                is.sizeGb(), model.diskState(disk), "Succeeded", is.created().toString(), is.uniqueId(), is.osType());
        return new Disk(disk.id.name(), disk.id.toString(), disk.id.fullType(), disk.location, new Sku(STORAGE_TYPE, "Premium"),
                properties, disk.attachedTo == null ? null : disk.attachedTo.toString());
    }

    static NetworkInterface networkInterface(ArmModel.Attachable<ArmModel.Nic> nic) {
        ArmModel.Nic is = nic.is;
        IpConfiguration ipConfiguration = new IpConfiguration("ipconfig1", nic.id + "/ipConfigurations/ipconfig1",
                new IpConfigurationProperties("Succeeded", is.privateIp(), "Dynamic", true, "IPv4"));
        NetworkInterfaceProperties properties = new NetworkInterfaceProperties("Succeeded", is.resourceGuid(),
                List.of(ipConfiguration), is.macAddress(), is.primary(), false, false,
                nic.attachedTo == null ? null : new Reference(nic.attachedTo.toString()));
        return new NetworkInterface(nic.id.name(), nic.id.toString(), "W/\"" + is.resourceGuid() + "\"", nic.id.fullType(),
                nic.location, properties);
    }

    static OperationStatus operationStatus(ArmModel.AsyncOp op) {
        return new OperationStatus(op.id, op.status, op.start.toString(), op.end == null ? null : op.end.toString(),
                "Failed".equals(op.status) ? new ErrorDetail(op.failure.code(), op.failure.message()) : null);
    }

    static ErrorBody error(String code, String message) {
        return new ErrorBody(new ErrorDetail(code, message));
    }
}
