package io.failback.vcenter.vsphere;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDeviceFileBackingInfo;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualIDEController;
import com.vmware.vim25.VirtualSATAController;
import com.vmware.vim25.VirtualSCSIController;
import io.failback.messages.DiskControllerType;
import io.failback.messages.DiskPlacement;

/**
 * Whether replica disks can go back to their original controller and unit on a VM, and the change that
 * puts them there: the preflight asks it of the on-premises VM's devices before anything changes, and the
 * attach plans from it. A SCSI controller missing on its bus is added (a VM has up to 4); any other missing
 * controller, a unit out of range or taken by another device, is a problem that names the disk.
 */
final class OriginalLayout {

    /** A controller to add on a free SCSI bus, with the temporary key its disks refer to. */
    record NewController(int key, int busNumber) {
    }

    /** A disk to add where it was: on an existing controller's key or a new controller's temporary key. */
    record Addition(String disk, int controllerKey, int unit) {
    }

    /**
     * @param problems one line per disk that can't go back to its place; when any, nothing may change
     * @param additions the disks not at their place yet (a disk already there is left alone)
     */
    record Plan(List<String> problems, List<NewController> newControllers, List<Addition> additions) {
    }

    private static final int SCSI_CONTROLLER_UNIT = 7;

    private OriginalLayout() {
    }

    static Plan plan(List<VirtualDevice> devices, List<String> disks, List<DiskPlacement> layout, int firstNewKey) {
        List<String> problems = new ArrayList<>();
        Map<String, DiskPlacement> placeOf = new LinkedHashMap<>();
        for (DiskPlacement p : layout) {
            placeOf.put(DiskPaths.normalize(p.getDisk()), p);
        }
        Map<String, VirtualDevice> byPlace = new HashMap<>();
        Map<String, String> placeOfFile = new HashMap<>();
        Map<Integer, VirtualController> controllers = new HashMap<>();
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualController c) {
                controllers.put(c.getKey(), c);
            }
        }
        for (VirtualDevice d : devices) {
            VirtualController c = d.getControllerKey() == null ? null : controllers.get(d.getControllerKey());
            if (c != null && d.getUnitNumber() != null && typeOf(c) != null) {
                String place = name(typeOf(c), c.getBusNumber(), d.getUnitNumber());
                byPlace.put(place, d);
                String file = fileOf(d);
                if (file != null) {
                    placeOfFile.put(file, place);
                }
            }
        }
        List<NewController> added = new ArrayList<>();
        List<Addition> additions = new ArrayList<>();
        Map<String, String> claimed = new HashMap<>();
        for (String disk : disks) {
            String file = DiskPaths.normalize(disk);
            DiskPlacement p = placeOf.get(file);
            if (p == null) {
                problems.add(disk + ": its original place is not known");
                continue;
            }
            String place = name(p.getControllerType(), p.getBusNumber(), p.getUnitNumber());
            String other = claimed.putIfAbsent(place, disk);
            if (other != null) {
                problems.add(disk + ": " + place + " is also the place of " + other);
                continue;
            }
            String outOfRange = outOfRange(p);
            if (outOfRange != null) {
                problems.add(disk + ": " + place + " " + outOfRange);
                continue;
            }
            String now = placeOfFile.get(file);
            if (place.equals(now)) {
                continue;
            }
            if (now != null) {
                problems.add(disk + ": attached at " + now + ", not at its original " + place);
                continue;
            }
            VirtualDevice taken = byPlace.get(place);
            if (taken != null) {
                String holder = fileOf(taken);
                problems.add(disk + ": " + place + " is taken by " + (holder != null ? holder : taken.getClass().getSimpleName()));
                continue;
            }
            Integer key = controllerKey(controllers, p);
            if (key == null && p.getControllerType() == DiskControllerType.SCSI) {
                key = added.stream().filter(n -> n.busNumber() == p.getBusNumber()).map(NewController::key).findFirst().orElse(null);
                if (key == null) {
                    NewController controller = new NewController(firstNewKey - added.size(), p.getBusNumber());
                    added.add(controller);
                    key = controller.key();
                }
            }
            if (key == null) {
                problems.add(disk + ": the VM has no " + p.getControllerType() + " controller on bus " + p.getBusNumber());
                continue;
            }
            if (p.getControllerType() == DiskControllerType.SCSI && ownUnit(controllers.get(key)) == p.getUnitNumber()) {
                problems.add(disk + ": " + place + " is the SCSI controller's own unit");
                continue;
            }
            additions.add(new Addition(disk, key, p.getUnitNumber()));
        }
        return new Plan(List.copyOf(problems), List.copyOf(added), List.copyOf(additions));
    }

    /** Where each of the disks sits on the VM now, e.g. "SCSI 0:1"; absent for a disk not attached. */
    static Map<String, String> placesOf(List<VirtualDevice> devices) {
        Map<Integer, VirtualController> controllers = new HashMap<>();
        devices.stream().filter(VirtualController.class::isInstance).map(VirtualController.class::cast)
                .forEach(c -> controllers.put(c.getKey(), c));
        Map<String, String> places = new HashMap<>();
        for (VirtualDevice d : devices) {
            VirtualController c = d.getControllerKey() == null ? null : controllers.get(d.getControllerKey());
            String file = fileOf(d);
            if (c != null && file != null && typeOf(c) != null && d.getUnitNumber() != null) {
                places.put(file, name(typeOf(c), c.getBusNumber(), d.getUnitNumber()));
            }
        }
        return places;
    }

    static String name(DiskControllerType type, int bus, int unit) {
        return type + " " + bus + ":" + unit;
    }

    private static String outOfRange(DiskPlacement p) {
        int maxBus = p.getControllerType() == DiskControllerType.IDE ? 1 : 3;
        int maxUnit = switch (p.getControllerType()) {
            case SCSI -> 15;
            case SATA -> 29;
            case NVME -> 14;
            case IDE -> 1;
        };
        if (p.getBusNumber() < 0 || p.getBusNumber() > maxBus) {
            return "is beyond the " + (maxBus + 1) + " buses a VM has";
        }
        if (p.getUnitNumber() < 0 || p.getUnitNumber() > maxUnit) {
            return "is beyond the units 0 to " + maxUnit + " of a controller";
        }
        return null;
    }

    private static Integer controllerKey(Map<Integer, VirtualController> controllers, DiskPlacement p) {
        return controllers.values().stream().filter(c -> typeOf(c) == p.getControllerType() && c.getBusNumber() == p.getBusNumber())
                .map(VirtualController::getKey).findFirst().orElse(null);
    }

    private static int ownUnit(VirtualController c) {
        if (c instanceof VirtualSCSIController scsi && scsi.getScsiCtlrUnitNumber() != null) {
            return scsi.getScsiCtlrUnitNumber();
        }
        return SCSI_CONTROLLER_UNIT;
    }

    private static DiskControllerType typeOf(VirtualController c) {
        if (c instanceof VirtualSCSIController) {
            return DiskControllerType.SCSI;
        }
        if (c instanceof VirtualSATAController) {
            return DiskControllerType.SATA;
        }
        if (c instanceof VirtualIDEController) {
            return DiskControllerType.IDE;
        }
        // yavijava 6.0 has no NVMe class; a newer vCenter's controller still names itself
        return c.getClass().getSimpleName().contains("NVME") ? DiskControllerType.NVME : null;
    }

    private static String fileOf(VirtualDevice d) {
        return d instanceof VirtualDisk && d.getBacking() instanceof VirtualDeviceFileBackingInfo b && b.getFileName() != null
                ? DiskPaths.normalize(b.getFileName()) : null;
    }
}
