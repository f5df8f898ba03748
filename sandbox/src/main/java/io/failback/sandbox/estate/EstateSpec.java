package io.failback.sandbox.estate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole sandbox estate in one file, so the vCenter simulator, the ARM emulator and the replication
 * simulator (separate processes) seed the same VMs: one vCenter with one master target holding every
 * replica disk, one Azure subscription and resource group, one configuration and process server, one plan.
 */
public record EstateSpec(String vCenter, String datacenter, String datastore, String masterTarget, String subscriptionId,
                         String azureResourceGroup, String location, String configurationServer, String processServer,
                         String planId, String planName, List<VmSpec> vms) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public String azureVmId(VmSpec vm) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + azureResourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + vm.azureVmName();
    }

    public int groupCount() {
        return vms.stream().mapToInt(VmSpec::group).max().orElse(0);
    }

    public VmSpec vm(String vmId) {
        return vms.stream().filter(v -> v.vmId().equals(vmId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no VM " + vmId + " in the estate"));
    }

    /**
     * The demo's estate: {@code count} VMs, every third one Windows, spread over three boot groups (databases,
     * application servers, web front ends); the first three form a replication group; the last one has no
     * app-consistent point.
     */
    public static EstateSpec demo(int count) {
        List<VmSpec> vms = new ArrayList<>();
        String[] roles = {"db", "app", "web"};
        for (int i = 1; i <= count; i++) {
            int group = (i - 1) * 3 / count + 1;
            String role = roles[group - 1];
            boolean windows = i % 3 == 1;
            String vmId = String.format("%s-%02d", role, i);
            String onPrem = vmId + "-onprem";
            List<String> disks = List.of("[datastore1] mt-01/" + vmId + "_0.vmdk", "[datastore1] mt-01/" + vmId + "_1.vmdk");
            vms.add(new VmSpec(vmId, vmId, windows ? "WINDOWS" : "LINUX", windows ? "Windows Server 2019" : "Ubuntu 22.04",
                    windows ? "windows9Server64Guest" : "ubuntu64Guest", group, i <= 3 ? "rg-orders-db" : null, i != count,
                    onPrem, vmId, disks));
        }
        return new EstateSpec("vc-east", "DC0", "datastore1", "mt-01", "00000000-0000-0000-0000-00000000f1b4", "rg-dr", "westeurope",
                "cs-01", "ps-01", "plan-orders", "Orders platform", List.copyOf(vms));
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(file.toFile(), this);
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not write the estate to " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EstateSpec read(Path file) {
        try {
            return JSON.readValue(file.toFile(), EstateSpec.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("could not read the estate from " + file + ": " + e.getMessage(), e);
        }
    }
}
