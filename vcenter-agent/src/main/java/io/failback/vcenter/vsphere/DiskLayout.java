package io.failback.vcenter.vsphere;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.failback.messages.VcenterResultCode;

/**
 * Where new disks go on a VM: the free units of its SCSI controllers in bus order (a controller owns
 * units 0 to 15 except its own, usually 7), then new controllers on free buses (a VM has at most 4).
 */
final class DiskLayout {

    static final int MAX_BUSES = 4;
    static final int UNITS_PER_BUS = 16;
    static final int DEFAULT_CONTROLLER_UNIT = 7;

    /** An existing SCSI controller. */
    record Controller(int key, int busNumber, int ownUnit) {
    }

    /** A unit on a controller; the key is negative for a controller added by the same change. */
    record Slot(int controllerKey, int unit) {
    }

    /** A controller to add, with the temporary negative key vCenter replaces with a real one. */
    record NewController(int key, int busNumber) {
    }

    record Plan(List<NewController> newControllers, List<Slot> slots) {
    }

    private DiskLayout() {
    }

    /**
     * @param used units taken on each controller key, by disks or any other device
     * @param firstNewKey the temporary key of the first added controller (negative, below any other temporary key)
     */
    static Plan plan(List<Controller> controllers, Map<Integer, Set<Integer>> used, int disks, int firstNewKey) {
        List<Slot> slots = new ArrayList<>();
        List<Controller> byBus = new ArrayList<>(controllers);
        byBus.sort(Comparator.comparingInt(Controller::busNumber));
        for (Controller c : byBus) {
            Set<Integer> taken = used.getOrDefault(c.key(), Set.of());
            for (int unit = 0; unit < UNITS_PER_BUS && slots.size() < disks; unit++) {
                if (unit != c.ownUnit() && !taken.contains(unit)) {
                    slots.add(new Slot(c.key(), unit));
                }
            }
        }
        List<NewController> added = new ArrayList<>();
        for (int bus = 0; bus < MAX_BUSES && slots.size() < disks; bus++) {
            int candidate = bus;
            if (controllers.stream().anyMatch(c -> c.busNumber() == candidate)) {
                continue;
            }
            NewController controller = new NewController(firstNewKey - added.size(), bus);
            added.add(controller);
            for (int unit = 0; unit < UNITS_PER_BUS && slots.size() < disks; unit++) {
                if (unit != DEFAULT_CONTROLLER_UNIT) {
                    slots.add(new Slot(controller.key(), unit));
                }
            }
        }
        if (slots.size() < disks) {
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, "no free SCSI unit for " + disks
                    + " disk(s): the VM's " + MAX_BUSES + " SCSI buses have room for " + slots.size());
        }
        return new Plan(List.copyOf(added), List.copyOf(slots));
    }
}
