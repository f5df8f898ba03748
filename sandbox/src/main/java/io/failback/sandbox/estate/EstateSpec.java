package io.failback.sandbox.estate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole sandbox estate in one file, so the vCenter simulator, the ARM emulator and the replication
 * simulator (separate processes) seed the same VMs: one vCenter with its master targets holding the
 * replica disks, one Azure subscription and resource group, one configuration and process server,
 * and the recovery plans.
 */
public record EstateSpec(String vCenter, String datastore, String subscriptionId, String azureResourceGroup, String location,
                         String configurationServer, String processServer, List<MasterTarget> masterTargets, List<Plan> plans,
                         List<VmSpec> vms) {

    /**
     * A master target VM; snapshots on it fail preflight rule 8 for every VM whose disks it holds. Its OS
     * ("WINDOWS" or "LINUX") is that of the VMs it serves: Windows VMs fail back through a Windows master target.
     */
    public record MasterTarget(String name, int snapshots, String os) {

        public String guestId() {
            return "WINDOWS".equals(os) ? "windows9Server64Guest" : "rhel7_64Guest";
        }
    }

    public record Plan(String planId, String name) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public String azureVmId(VmSpec vm) {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + azureResourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + vm.azureVmName();
    }

    public List<VmSpec> members(String planId) {
        return vms.stream().filter(v -> planId.equals(v.planId())).collect(Collectors.toList());
    }

    public int groupCount(String planId) {
        return members(planId).stream().mapToInt(VmSpec::group).max().orElse(0);
    }

    public VmSpec vm(String vmId) {
        return vms.stream().filter(v -> v.vmId().equals(vmId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no VM " + vmId + " in the estate"));
    }

    /** The demo's estate: the plan of {@link #demoPlan} plus a small plan that fails preflight. */
    public static EstateSpec demo(int count) {
        Builder b = new Builder();
        b.plan("plan-orders", "Orders platform", count, "mt-01", 3);
        b.blockedPlan();
        return b.build();
    }

    /** Builds estates: plans of VMs in boot-order groups on master targets. */
    public static final class Builder {
        private final List<MasterTarget> masterTargets = new ArrayList<>();
        private final List<Plan> plans = new ArrayList<>();
        private final List<VmSpec> vms = new ArrayList<>();

        /**
         * A plan of {@code count} VMs over {@code groups} boot-order groups (databases, application servers,
         * web front ends), every third one Windows; its first three VMs form a replication group and its
         * last VM has no app-consistent point. Linux VMs' disks are on {@code masterTarget}, Windows VMs' on
         * the Windows master target {@link #windowsMasterTarget}.
         */
        public Builder plan(String planId, String name, int count, String masterTarget, int groups) {
            plans.add(new Plan(planId, name));
            String[] roles = {"db", "app", "web", "svc", "batch"};
            String prefix = planId.replaceFirst("^plan-", "");
            for (int i = 1; i <= count; i++) {
                int group = (i - 1) * groups / count + 1;
                boolean windows = i % 3 == 1;
                String vmId = String.format("%s-%s-%02d", prefix, roles[(group - 1) % roles.length], i);
                vms.add(vm(vmId, windows, planId, group, i <= 3 && count >= 6 ? prefix + "-rg" : null,
                        i == count && count >= 6 ? VmSpec.Points.CRASH_CONSISTENT_ONLY : VmSpec.Points.CRASH_AND_APP_CONSISTENT,
                        masterTarget, false));
            }
            return this;
        }

        /** A plan that fails preflight: its master target has a snapshot and one of its VMs has no recovery point. */
        public Builder blockedPlan() {
            plans.add(new Plan("plan-blocked", "Reporting (blocked)"));
            vms.add(vm("blocked-01", true, "plan-blocked", 1, null, VmSpec.Points.CRASH_AND_APP_CONSISTENT, "mt-02", false));
            vms.add(vm("blocked-02", false, "plan-blocked", 1, null, VmSpec.Points.NONE, "mt-02", false));
            masterTargets.replaceAll(m -> m.name().startsWith("mt-02") ? new MasterTarget(m.name(), 1, m.os()) : m);
            return this;
        }

        /** A single VM outside any plan; {@code onPremisesVmFull} leaves its on-premises VM no SCSI unit to attach to. */
        public Builder single(String vmId, boolean windows, String masterTarget, boolean onPremisesVmFull) {
            vms.add(vm(vmId, windows, null, 1, null, VmSpec.Points.CRASH_AND_APP_CONSISTENT, masterTarget, onPremisesVmFull));
            return this;
        }

        /**
         * A physical server (RHEL 8) outside any plan: no on-premises VM; it fails back only to a new VM created at an
         * alternate location (issue 12 item 4).
         */
        public Builder physical(String vmId, String masterTarget) {
            VmSpec v = vm(vmId, false, null, 1, null, VmSpec.Points.CRASH_AND_APP_CONSISTENT, masterTarget, false);
            vms.add(new VmSpec(v.vmId(), v.name(), v.os(), "Red Hat Enterprise Linux 8.6", "rhel8_64Guest", null, 1, null, v.points(),
                    v.masterTarget(), v.vmId(), v.azureVmName(), v.replicaDisks(), false, null, true));
            return this;
        }

        private void masterTarget(String name, int snapshots, boolean windows) {
            if (masterTargets.stream().noneMatch(m -> m.name().equals(name))) {
                masterTargets.add(new MasterTarget(name, snapshots, windows ? "WINDOWS" : "LINUX"));
            }
        }

        /** The Windows master target beside the (Linux) master target {@code name}: "mt-01" gives "mt-01-win". */
        public static String windowsMasterTarget(String name) {
            return name + "-win";
        }

        private VmSpec vm(String vmId, boolean windows, String planId, int group, String replicationGroup, VmSpec.Points points,
                          String linuxMasterTarget, boolean onPremisesVmFull) {
            String masterTarget = windows ? windowsMasterTarget(linuxMasterTarget) : linuxMasterTarget;
            masterTarget(masterTarget, 0, windows);
            List<String> disks = List.of("[LocalDS_0] " + masterTarget + "/" + vmId + "_0.vmdk",
                    "[LocalDS_0] " + masterTarget + "/" + vmId + "_1.vmdk");
            return new VmSpec(vmId, vmId, windows ? "WINDOWS" : "LINUX", windows ? "Windows Server 2019" : "Ubuntu 22.04",
                    windows ? "windows9Server64Guest" : "ubuntu64Guest", planId, group, replicationGroup, points, masterTarget,
                    vmId + "-onprem", vmId, disks, onPremisesVmFull,
                    UUID.nameUUIDFromBytes(("on-premises/" + vmId).getBytes(StandardCharsets.UTF_8)).toString(), false);
        }

        public EstateSpec build() {
            return new EstateSpec("vc-east", "LocalDS_0", "00000000-0000-0000-0000-00000000f1b4", "rg-dr", "westeurope",
                    "cs-01", "ps-01", List.copyOf(masterTargets), List.copyOf(plans), List.copyOf(vms));
        }
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EstateSpec read(Path file) {
        try {
            return JSON.readValue(Files.readString(file), EstateSpec.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("could not read the estate from " + file + ": " + e.getMessage(), e);
        }
    }
}
