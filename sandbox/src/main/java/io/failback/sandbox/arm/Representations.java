package io.failback.sandbox.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of ARM's published contract for the resources the emulator keeps, at the API
 * versions the Azure SDK for Java uses (virtual machines 2025-04-01, disks 2025-01-02, network
 * interfaces 2025-03-01), with the fields a client of these operations reads.
 */
final class Representations {

    private Representations() {
    }

    static Map<String, Object> virtualMachine(ArmModel model, ArmModel.Vm vm, boolean withInstanceView) {
        Map<String, Object> osDisk = map(
                "osType", vm.osType,
                "name", vm.disks.get(0).name(),
                "createOption", "FromImage",
                "caching", "ReadWrite",
                "managedDisk", map("storageAccountType", "Premium_LRS", "id", vm.disks.get(0).toString()),
                "deleteOption", deleteOption(vm),
                "diskSizeGB", 127);
        List<Object> dataDisks = new ArrayList<>();
        for (int i = 1; i < vm.disks.size(); i++) {
            dataDisks.add(map(
                    "lun", i - 1,
                    "name", vm.disks.get(i).name(),
                    "createOption", "Attach",
                    "caching", "None",
                    "managedDisk", map("storageAccountType", "Premium_LRS", "id", vm.disks.get(i).toString()),
                    "deleteOption", deleteOption(vm),
                    "diskSizeGB", 128,
                    "toBeDetached", false));
        }
        List<Object> nics = new ArrayList<>();
        for (int i = 0; i < vm.nics.size(); i++) {
            nics.add(map("id", vm.nics.get(i).toString(),
                    "properties", map("primary", i == 0, "deleteOption", deleteOption(vm))));
        }
        Map<String, Object> properties = map(
                "vmId", vm.vmId,
                "hardwareProfile", map("vmSize", vm.vmSize),
                "storageProfile", map("osDisk", osDisk, "dataDisks", dataDisks),
                "networkProfile", map("networkInterfaces", nics),
                "provisioningState", vm.provisioningState,
                "timeCreated", vm.created.toString());
        if (withInstanceView) {
            properties.put("instanceView", instanceView(model, vm));
        }
        return map(
                "name", vm.id.name(),
                "id", vm.id.toString(),
                "type", vm.id.fullType(),
                "location", vm.location,
                "tags", map(),
                "properties", properties);
    }

    static Map<String, Object> instanceView(ArmModel model, ArmModel.Vm vm) {
        String provisioning = vm.provisioningState.toLowerCase(java.util.Locale.ROOT);
        List<Object> statuses = List.of(
                map("code", "ProvisioningState/" + provisioning, "level", "Failed".equals(vm.provisioningState) ? "Error" : "Info",
                        "displayStatus", "Provisioning " + provisioning, "time", model.now().toString()),
                map("code", vm.power.code(), "level", "Info", "displayStatus", vm.power.displayStatus()));
        List<Object> disks = new ArrayList<>();
        for (ArmId disk : vm.disks) {
            disks.add(map("name", disk.name(), "statuses", List.of(map("code", "ProvisioningState/succeeded", "level", "Info",
                    "displayStatus", "Provisioning succeeded"))));
        }
        return map("computerName", vm.id.name(), "osName", vm.osType, "disks", disks, "statuses", statuses);
    }

    static Map<String, Object> disk(ArmModel model, ArmModel.Disk disk) {
        Map<String, Object> properties = map(
                "creationData", map("createOption", disk.osType == null ? "Empty" : "FromImage"),
                "diskSizeGB", disk.sizeGb,
                "diskState", model.diskState(disk),
                "provisioningState", "Succeeded",
                "timeCreated", disk.created.toString(),
                "uniqueId", disk.uniqueId);
        if (disk.osType != null) {
            properties.put("osType", disk.osType);
        }
        Map<String, Object> body = map(
                "name", disk.id.name(),
                "id", disk.id.toString(),
                "type", disk.id.fullType(),
                "location", disk.location,
                "sku", map("name", "Premium_LRS", "tier", "Premium"),
                "properties", properties);
        if (disk.attachedTo != null) {
            body.put("managedBy", disk.attachedTo.toString());
        }
        return body;
    }

    static Map<String, Object> networkInterface(ArmModel.Nic nic) {
        Map<String, Object> ipConfiguration = map(
                "name", "ipconfig1",
                "id", nic.id + "/ipConfigurations/ipconfig1",
                "properties", map("provisioningState", "Succeeded", "privateIPAddress", nic.privateIp,
                        "privateIPAllocationMethod", "Dynamic", "primary", true, "privateIPAddressVersion", "IPv4"));
        Map<String, Object> properties = map(
                "provisioningState", "Succeeded",
                "resourceGuid", nic.resourceGuid,
                "ipConfigurations", List.of(ipConfiguration),
                "macAddress", nic.macAddress,
                "primary", nic.primary,
                "enableAcceleratedNetworking", false,
                "enableIPForwarding", false);
        if (nic.attachedTo != null) {
            properties.put("virtualMachine", map("id", nic.attachedTo.toString()));
        }
        return map(
                "name", nic.id.name(),
                "id", nic.id.toString(),
                "etag", "W/\"" + nic.resourceGuid + "\"",
                "type", nic.id.fullType(),
                "location", nic.location,
                "properties", properties);
    }

    static Map<String, Object> operationStatus(ArmModel.AsyncOp op) {
        Map<String, Object> body = map("name", op.id, "status", op.status, "startTime", op.start.toString());
        if (op.end != null) {
            body.put("endTime", op.end.toString());
        }
        if ("Failed".equals(op.status)) {
            body.put("error", map("code", op.failure.code(), "message", op.failure.message()));
        }
        return body;
    }

    static Map<String, Object> error(String code, String message) {
        return map("error", map("code", code, "message", message));
    }

    private static String deleteOption(ArmModel.Vm vm) {
        return vm.deleteWithVm ? "Delete" : "Detach";
    }

    /** An ordered map from alternating keys and values. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
