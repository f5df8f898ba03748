package io.failback.vcenter;

import java.util.ArrayList;
import java.util.List;

import com.vmware.vim25.OptionValue;
import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualEthernetCard;
import com.vmware.vim25.VirtualEthernetCardDistributedVirtualPortBackingInfo;
import com.vmware.vim25.VirtualEthernetCardNetworkBackingInfo;
import com.vmware.vim25.VirtualIDEController;
import com.vmware.vim25.VirtualMachineConfigInfo;
import com.vmware.vim25.VirtualSATAController;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.mo.VirtualMachine;
import io.failback.messages.AlternateLocation;
import io.failback.messages.AlternateLocationToCheck;
import io.failback.messages.AttachDisks;
import io.failback.messages.CreatedVmDestroyed;
import io.failback.messages.DetachDisks;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;
import io.failback.messages.Firmware;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.MachineShape;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.PowerState;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.messages.VmCreated;
import io.failback.messages.VmPowerState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alternate location recovery against the vCenter simulator: the preflight names each missing place of a
 * location, CreateVm makes the VM there with the source's shape and the controllers of its disk layout (and
 * finds it again when re-sent), the attach puts each replica disk at its unit, and DestroyCreatedVm deletes
 * only an empty, powered-off VM this failback made. The places are the simulator's default inventory.
 */
class AlternateLocationIT {

    private static final String VC = SimulatedVcenter.VC;
    // the simulator's default inventory
    private static final String DC = "DC0";
    private static final String CLUSTER = "DC0_C0";
    private static final String HOST = "DC0_C0_H0";
    private static final String STANDALONE_HOST = "DC0_H0";
    private static final String DATASTORE = "LocalDS_0";
    private static final String NETWORK = "VM Network";
    private static final String PORTGROUP = "DC0_DVPG0";
    // seeded
    private static final String FOLDER = "alr";
    private static final String JOB = "job-alr-1";
    private static final String OTHER_JOB = "job-alr-2";
    private static final String OTHER_UUID = "50aa0000-0000-0000-0000-0000000000ff";
    private static final String APP_0 = "[LocalDS_0] mt-alr/app01_0.vmdk";
    private static final String APP_1 = "[LocalDS_0] mt-alr/app01_1.vmdk";
    private static final String APP_2 = "[LocalDS_0] mt-alr/app01_2.vmdk";
    private static final String KEEP = "[LocalDS_0] mt-alr/keep01_0.vmdk";
    private static final MachineShape SHAPE = new MachineShape(2, 4096, Firmware.EFI, "rhel7_64Guest");

    @RegisterExtension
    static final SimulatedVcenter vcenter = SimulatedVcenter.of(b -> b.trace().seedJson("""
            {"masterTargets": [
               {"name": "mt-alr", "guestId": "rhel7_64Guest", "powerState": "poweredOn", "disks": ["%s", "%s", "%s", "%s"]}],
             "vms": [
               {"name": "taken01", "folder": "%s", "guestId": "rhel7_64Guest"},
               {"name": "other01", "instanceUuid": "%s", "guestId": "rhel7_64Guest"}]}
            """.formatted(APP_0, APP_1, APP_2, KEEP, FOLDER, OTHER_UUID)));
    static SimulatedVcenter.Agent agent;

    @BeforeAll
    static void start() {
        agent = vcenter.get();
    }

    /** The location in the default inventory: a host of the cluster, its root pool, folder alr, the VM Network. */
    private static AlternateLocation.Builder at(String vmName) {
        return AlternateLocation.newBuilder().setVCenter(VC).setDatacenter(DC).setCluster(CLUSTER).setHost(HOST)
                .setDatastore(DATASTORE).setFolder(FOLDER).setNetwork(NETWORK).setVmName(vmName);
    }

    private static VcenterResult ok(VcenterResult result) {
        assertThat(result.getCode()).as(result.getMessage()).isEqualTo(VcenterResultCode.OK);
        return result;
    }

    private static VmCreated create(AlternateLocation location, String uuid, String createdFor, List<DiskPlacement> layout) {
        return (VmCreated) ok(agent.handle(Commands.createVm(location, SHAPE, uuid, createdFor, layout))).getOutcome();
    }

    private static List<String> problems(AlternateLocation location, String createdFor) {
        VcenterResult result = ok(agent.handle(Commands.command("vm-alr", new InspectMasterTarget(VC, "mt-alr", List.of(APP_0), null,
                new AlternateLocationToCheck(location, createdFor)))));
        MasterTargetInspected inspected = (MasterTargetInspected) result.getOutcome();
        assertThat(inspected.getExists()).as("the master target part is answered as before").isTrue();
        return inspected.getAlternateLocationProblems();
    }

    private static VcenterResult destroy(String uuid, String createdFor) {
        return agent.handle(Commands.destroyCreatedVm(VC, uuid, createdFor));
    }

    @Test
    void shouldCreateTheVmWithTheLayoutsControllersSoThatTheAttachPutsEachDiskAtItsUnitAndItPowersOn() throws Exception {
        // given the app01 replica disks, on SCSI 0:0, 0:1 and 1:0 at the source
        String uuid = "50aa0000-0000-0000-0000-000000000001";
        List<DiskPlacement> layout = List.of(new DiskPlacement(APP_0, DiskControllerType.SCSI, 0, 0),
                new DiskPlacement(APP_1, DiskControllerType.SCSI, 0, 1), new DiskPlacement(APP_2, DiskControllerType.SCSI, 1, 0));

        // when the VM is created at the location
        VmCreated created = create(at("app01-alr").build(), uuid, JOB, layout);

        // then vCenter has it as asked: shape, instance UUID, mark, firmware, two SCSI controllers, one adapter, no disk
        assertThat(created).isEqualTo(new VmCreated("app01-alr", uuid, false));
        VirtualMachine vm = agent.inventory().vmByUuid(uuid);
        VirtualMachineConfigInfo config = vm.getConfig();
        assertThat(config.getInstanceUuid()).isEqualTo(uuid);
        assertThat(mark(config)).isEqualTo(JOB);
        assertThat(config.getFirmware()).isEqualTo("efi");
        assertThat(config.getGuestId()).isEqualTo("rhel7_64Guest");
        assertThat(config.getHardware().getNumCPU()).isEqualTo(2);
        assertThat(config.getHardware().getMemoryMB()).isEqualTo(4096);
        assertThat(controllers(vm)).containsExactly("ParaVirtualSCSIController bus 0", "ParaVirtualSCSIController bus 1");
        assertThat(adapters(vm)).containsExactly("VirtualVmxnet3 on " + NETWORK);
        assertThat(Inventory.places(vm)).isEmpty();
        assertThat(agent.inventory().nameOf(vm, "parent", "Folder")).isEqualTo(FOLDER);
        assertThat(agent.inventory().nameOf(vm.getRuntime().getHost())).isEqualTo(HOST);
        assertThat(agent.inventory().nameOf(vm, "resourcePool", "ResourcePool")).isEqualTo("Resources");
        assertThat(vm.getRuntime().getPowerState().name()).isEqualTo("poweredOff");

        // and when the replica disks leave the master target for it, with their layout, and it is powered on
        ok(agent.handle(Commands.detach(VC, "mt-alr", List.of(APP_0, APP_1, APP_2))));
        ok(agent.handle(Commands.command("vm-app01", new AttachDisks(VC, "app01-alr", List.of(APP_0, APP_1, APP_2), uuid, layout))));
        VmPowerState on = (VmPowerState) ok(agent.handle(Commands.command("vm-app01", new PowerOnVm(VC, "app01-alr", uuid)))).getOutcome();

        // then each disk is at its original unit on the controllers CreateVm made, and the VM runs
        VirtualMachine after = agent.inventory().vmByUuid(uuid);
        assertThat(Inventory.places(after)).containsExactlyInAnyOrder(APP_0 + " at bus 0 unit 0", APP_1 + " at bus 0 unit 1",
                APP_2 + " at bus 1 unit 0");
        assertThat(controllers(after)).containsExactly("ParaVirtualSCSIController bus 0", "ParaVirtualSCSIController bus 1");
        assertThat(on.getPowerState()).isEqualTo(PowerState.POWERED_ON);
        assertThat(after.getRuntime().getPowerState().name()).isEqualTo("poweredOn");
    }

    @Test
    void shouldAnswerAReSentCreateVmWithTheVmItCreatedWithoutASecondOne() throws Exception {
        // given a VM created in a cluster (vCenter picks the host), the VM folder, without a network, for an empty layout
        String uuid = "50aa0000-0000-0000-0000-000000000002";
        AlternateLocation location = at("web01-alr").setHost(null).setFolder(null).setNetwork(null).build();
        MachineShape bios = new MachineShape(1, 2048, Firmware.BIOS, "windows9Server64Guest");
        VcenterResult first = ok(agent.handle(Commands.createVm(location, bios, uuid, JOB, List.of())));
        int creates = agent.vcsim().calls("CreateVM_Task");

        // when the same command is sent again
        VcenterResult again = ok(agent.handle(Commands.createVm(location, bios, uuid, JOB, List.of())));

        // then the answer is the same VM, found, and there is still one
        assertThat(first.getOutcome()).isEqualTo(new VmCreated("web01-alr", uuid, false));
        assertThat(again.getOutcome()).isEqualTo(new VmCreated("web01-alr", uuid, true));
        assertThat(agent.vcsim().calls("CreateVM_Task")).isEqualTo(creates);
        assertThat(agent.inventory().vmsNamed("web01-alr")).isEqualTo(1);
        VirtualMachine vm = agent.inventory().vmByUuid(uuid);
        assertThat(controllers(vm)).as("one SCSI controller for an empty layout; LSI Logic SAS for Windows")
                .containsExactly("VirtualLsiLogicSASController bus 0");
        assertThat(adapters(vm)).isEmpty();
        assertThat(vm.getConfig().getFirmware()).isEqualTo("bios");
        assertThat(agent.inventory().nameOf(vm, "parent", "Folder")).isEqualTo("vm");
    }

    @Test
    void shouldAnswerWithItsOwnVmFoundByNameWhenVcenterGaveItAnotherInstanceUuid() throws Exception {
        // given this failback's VM, whose instance UUID is not the one a re-sent command asks for (as when vCenter
        // replaces a UUID already in use)
        String given = "50aa0000-0000-0000-0000-000000000009";
        create(at("moved01-alr").build(), given, JOB, List.of());
        int creates = agent.vcsim().calls("CreateVM_Task");

        // when CreateVm asks for that VM under another instance UUID
        VmCreated again = create(at("moved01-alr").build(), "50aa0000-0000-0000-0000-00000000000a", JOB, List.of());

        // then the answer is the VM there, with the instance UUID it has, and no second one is made
        assertThat(again).isEqualTo(new VmCreated("moved01-alr", given, true));
        assertThat(agent.vcsim().calls("CreateVM_Task")).isEqualTo(creates);
        assertThat(agent.inventory().vmsNamed("moved01-alr")).isEqualTo(1);
    }

    @Test
    void shouldConnectTheAdapterToADistributedPortGroup() throws Exception {
        // given the default distributed port group, on every host's switch
        String uuid = "50aa0000-0000-0000-0000-000000000008";
        String key = agent.inventory().portgroupKey(PORTGROUP);

        // when a VM is created with it as its network
        create(at("dv01-alr").setNetwork(PORTGROUP).build(), uuid, JOB, List.of());

        // then its one adapter is on that port group
        assertThat(adapters(agent.inventory().vmByUuid(uuid))).containsExactly("VirtualVmxnet3 on port group " + key);
    }

    @Test
    void shouldNameEachMissingPlaceOfALocationAndCreateNothingThere() {
        // given a location whose cluster exists but none of its other places, and one whose datacenter doesn't
        AlternateLocation nowhere = at("db01-alr").setHost("DC0_C0_H9").setResourcePool("no-pool").setDatastore("NoDS")
                .setFolder("alr/none").setNetwork("No Network").build();
        AlternateLocation noDatacenter = at("db01-alr").setDatacenter("DC9").build();
        int creates = agent.vcsim().calls("CreateVM_Task");

        // when the preflight checks them and a CreateVm is sent there
        List<String> problems = problems(nowhere, JOB);
        List<String> noDcProblems = problems(noDatacenter, JOB);
        List<String> noVcenterProblems = problems(at("db01-alr").setVCenter("vc-elsewhere").build(), JOB);
        VcenterResult create = agent.handle(Commands.createVm(nowhere, SHAPE, "50aa0000-0000-0000-0000-000000000003", JOB, List.of()));

        // then one line names each missing place and where it was looked for, and nothing is created
        assertThat(problems).containsExactly(
                "host DC0_C0_H9 not found in cluster DC0_C0",
                "resource pool no-pool not found under the root resource pool of cluster DC0_C0",
                "datastore NoDS not found in cluster DC0_C0",
                "folder alr/none not found under the VM folder of datacenter DC0",
                "network No Network not found in cluster DC0_C0");
        assertThat(noDcProblems).containsExactly("datacenter DC9 not found in the vCenter");
        assertThat(noVcenterProblems).singleElement().asString().contains("vCenter vc-elsewhere").contains("not configured");
        assertThat(create.getCode()).isEqualTo(VcenterResultCode.NOT_FOUND);
        assertThat(create.getMessage()).contains("nothing created").contains("host DC0_C0_H9").contains("datastore NoDS");
        assertThat(agent.vcsim().calls("CreateVM_Task")).isEqualTo(creates);
    }

    @Test
    void shouldFindPlacesAtPathsAndOnAStandaloneHost() throws Exception {
        // given a resource pool and a folder two levels down
        agent.inventory().createResourcePools(CLUSTER, "alr-pool/web");
        agent.inventory().createVmFolders(DC, "alr/web");

        // when the preflight checks locations there, and on the standalone host with its root pool
        List<String> atPaths = problems(at("path01-alr").setResourcePool("alr-pool/web").setFolder("alr/web").build(), JOB);
        List<String> standalone = problems(at("solo01-alr").setCluster(null).setHost(STANDALONE_HOST).build(), JOB);
        List<String> clusterOnly = problems(at("any01-alr").setHost(null).setFolder(null).build(), JOB);

        // then every place is found
        assertThat(atPaths).isEmpty();
        assertThat(standalone).isEmpty();
        assertThat(clusterOnly).isEmpty();
    }

    @Test
    void shouldTreatANameTakenByAnotherVmAsAProblemButNotOneThisFailbackCreated() throws Exception {
        // given taken01 in folder alr (not made by a failback), and own01-alr made there by this failback
        create(at("own01-alr").build(), "50aa0000-0000-0000-0000-000000000004", JOB, List.of());
        int creates = agent.vcsim().calls("CreateVM_Task");

        // when the preflight checks those names, and a CreateVm asks for taken01
        List<String> taken = problems(at("taken01").build(), JOB);
        List<String> own = problems(at("own01-alr").build(), JOB);
        List<String> ownOfAnother = problems(at("own01-alr").build(), OTHER_JOB);
        VcenterResult create = agent.handle(Commands.createVm(at("taken01").build(), SHAPE, "50aa0000-0000-0000-0000-000000000005",
                JOB, List.of()));

        // then the taken name is a problem, this failback's own VM is not, and no second taken01 is made
        assertThat(taken).containsExactly("the name taken01 is taken by another VM in folder alr");
        assertThat(own).isEmpty();
        assertThat(ownOfAnother).containsExactly("the name own01-alr is taken by another VM in folder alr");
        assertThat(create.getCode()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(create.getMessage()).contains("taken01").contains("nothing created");
        assertThat(agent.vcsim().calls("CreateVM_Task")).isEqualTo(creates);
        assertThat(agent.inventory().vmsNamed("taken01")).isEqualTo(1);
    }

    @Test
    void shouldRefuseCreateVmWhenItsInstanceUuidIsAVmThisFailbackDidNotCreate() throws Exception {
        // given other01 has the instance UUID and no mark

        // when a CreateVm names that UUID
        VcenterResult result = agent.handle(Commands.createVm(at("new01-alr").build(), SHAPE, OTHER_UUID, JOB, List.of()));

        // then it is refused and other01 is left as it was
        assertThat(result.getCode()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(result.getMessage()).contains("other01").contains("not created by this failback");
        assertThat(agent.inventory().vmByUuid(OTHER_UUID).getName()).isEqualTo("other01");
        assertThat(mark(agent.inventory().vmByUuid(OTHER_UUID).getConfig())).isNull();
        assertThat(agent.inventory().vmsNamed("new01-alr")).isZero();
    }

    @Test
    void shouldRefuseToDestroyAVmThisFailbackDidNotCreate() throws Exception {
        // given other01 (no mark) and a VM this failback made
        String ours = "50aa0000-0000-0000-0000-000000000006";
        create(at("mine01-alr").build(), ours, JOB, List.of());
        int destroys = agent.vcsim().calls("Destroy_Task");

        // when each is to be destroyed by a failback that did not make it
        VcenterResult unmarked = destroy(OTHER_UUID, JOB);
        VcenterResult otherMark = destroy(ours, OTHER_JOB);

        // then both are refused and both VMs stay
        assertThat(List.of(unmarked, otherMark)).extracting(VcenterResult::getCode).containsOnly(VcenterResultCode.INVALID_STATE);
        assertThat(unmarked.getMessage()).contains("other01").contains("not created by this failback");
        assertThat(otherMark.getMessage()).contains("mine01-alr").contains("not created by this failback");
        assertThat(agent.vcsim().calls("Destroy_Task")).isEqualTo(destroys);
        assertThat(agent.inventory().hasVm(OTHER_UUID)).isTrue();
        assertThat(agent.inventory().hasVm(ours)).isTrue();
    }

    @Test
    void shouldDestroyACreatedVmOnlyOnceItHasNoDiskAndIsOffKeepingTheReplicaDisk() throws Exception {
        // given a VM this failback made, with the keep01 replica disk attached
        String uuid = "50aa0000-0000-0000-0000-000000000007";
        List<DiskPlacement> layout = List.of(new DiskPlacement(KEEP, DiskControllerType.SCSI, 0, 0));
        create(at("keep01-alr").build(), uuid, JOB, layout);
        ok(agent.handle(Commands.detach(VC, "mt-alr", List.of(KEEP))));
        ok(agent.handle(Commands.command("vm-keep01", new AttachDisks(VC, "keep01-alr", List.of(KEEP), uuid, layout))));
        int destroys = agent.vcsim().calls("Destroy_Task");

        // when it is to be destroyed with the disk on it
        VcenterResult withDisk = destroy(uuid, JOB);

        // then that is refused, naming the disk, and the VM keeps it
        assertThat(withDisk.getCode()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(withDisk.getMessage()).contains(KEEP).contains("nothing destroyed");
        assertThat(Inventory.places(agent.inventory().vmByUuid(uuid))).containsExactly(KEEP + " at bus 0 unit 0");

        // and when the disk is detached but the VM runs, that is refused too
        ok(agent.handle(Commands.command("vm-keep01", new DetachDisks(VC, "keep01-alr", List.of(KEEP), uuid))));
        ok(agent.handle(Commands.command("vm-keep01", new PowerOnVm(VC, "keep01-alr", uuid))));
        VcenterResult running = destroy(uuid, JOB);
        assertThat(running.getCode()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(running.getMessage()).contains("poweredOn");
        assertThat(agent.vcsim().calls("Destroy_Task")).isEqualTo(destroys);

        // and when it is off and empty it is destroyed, then found gone, and the replica disk's file is still there
        ok(agent.handle(Commands.command("vm-keep01", new PowerOffVm(VC, "keep01-alr", uuid))));
        VcenterResult destroyed = ok(destroy(uuid, JOB));
        VcenterResult again = ok(destroy(uuid, JOB));
        assertThat(destroyed.getOutcome()).isEqualTo(new CreatedVmDestroyed(false));
        assertThat(again.getOutcome()).isEqualTo(new CreatedVmDestroyed(true));
        assertThat(agent.inventory().hasVm(uuid)).isFalse();
        ok(agent.handle(Commands.attach(VC, "mt-alr", List.of(KEEP))));
        assertThat(agent.inventory().diskFiles("mt-alr")).contains(KEEP);
    }

    private static String mark(VirtualMachineConfigInfo config) {
        OptionValue[] extra = config.getExtraConfig();
        if (extra != null) {
            for (OptionValue o : extra) {
                if ("failback.createdFor".equals(o.getKey())) {
                    return String.valueOf(o.getValue());
                }
            }
        }
        return null;
    }

    /** The VM's disk controllers (not the IDE ones every VM has) as "Type bus N". */
    private static List<String> controllers(VirtualMachine vm) {
        List<String> controllers = new ArrayList<>();
        for (VirtualDevice d : vm.getConfig().getHardware().getDevice()) {
            if (d instanceof VirtualController c && !(d instanceof VirtualIDEController) && isDiskController(c)) {
                controllers.add(d.getClass().getSimpleName() + " bus " + c.getBusNumber());
            }
        }
        return controllers;
    }

    private static boolean isDiskController(VirtualController c) {
        return c instanceof VirtualSCSIController || c instanceof VirtualSATAController;
    }

    /** The VM's network adapters as "Type on network". */
    private static List<String> adapters(VirtualMachine vm) {
        List<String> adapters = new ArrayList<>();
        for (VirtualDevice d : vm.getConfig().getHardware().getDevice()) {
            if (d instanceof VirtualEthernetCard) {
                String network = d.getBacking() instanceof VirtualEthernetCardNetworkBackingInfo b ? b.getDeviceName()
                        : d.getBacking() instanceof VirtualEthernetCardDistributedVirtualPortBackingInfo p
                        ? "port group " + p.getPort().getPortgroupKey() : "?";
                adapters.add(d.getClass().getSimpleName() + " on " + network);
            }
        }
        return adapters;
    }
}
