package io.failback.vcenter;

import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.failback.messages.AlternateLocation;
import io.failback.messages.AlternateLocationToCheck;
import io.failback.messages.AttachDisks;
import io.failback.messages.CheckConnection;
import io.failback.messages.ConnectionChecked;
import io.failback.messages.CreateVm;
import io.failback.messages.DestroyCreatedVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.MachineShape;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.VcenterCommand;
import io.failback.messages.VcenterResult;
import io.failback.messages.VcenterResultCode;
import io.failback.schemas.LogSafe;
import io.failback.vcenter.vsphere.VcenterFailure;
import io.failback.vcenter.vsphere.VcenterOperations;
import io.failback.vcenter.vsphere.VsphereClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vCenter agent's part of the agent skeleton: one command in, one result out. Picks the vCenter the
 * command names, runs the operation, and turns any failure into a result with a named code; never throws
 * for a command it could read. (Its simple name is the skeleton's interface's: the vCenter simulator tests
 * name this class.)
 */
public final class CommandHandler implements io.failback.agent.CommandHandler<VcenterCommand, VcenterResult> {

    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);
    private static final Pattern INSTANCE_UUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

    private final VcenterClients vcenters;
    private final VcenterOperations operations;
    private final Clock clock;

    public CommandHandler(VcenterClients vcenters, VcenterOperations operations, Clock clock) {
        this.vcenters = vcenters;
        this.operations = operations;
        this.clock = clock;
    }

    @Override
    public VcenterResult handle(VcenterCommand command) {
        Object op = command.getOperation();
        VcenterResultCode code = VcenterResultCode.OK;
        String message = "";
        Object outcome = null;
        try {
            String invalid = invalid(command);
            if (invalid != null) {
                throw new VcenterFailure(VcenterResultCode.INVALID_COMMAND, invalid);
            }
            String name = vcenterOf(op);
            VsphereClient vcenter = vcenters.get(name).orElseThrow(() -> new VcenterFailure(VcenterResultCode.UNKNOWN_VCENTER,
                    "no vCenter named " + name + " is configured (known: " + known() + ")"));
            outcome = run(vcenter, op);
        } catch (VcenterFailure f) {
            code = f.code();
            message = f.getMessage();
        } catch (RuntimeException e) {
            // The message may quote the command: escaped on the line; the stack trace only at debug level.
            log.warn("command {} of job {}: unexpected failure {}", LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()),
                    LogSafe.of(e.toString()));
            log.debug("command {}: unexpected failure", LogSafe.of(command.getCommandId()), e);
            code = VcenterResultCode.TASK_FAILED;
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (code != VcenterResultCode.OK && op instanceof CheckConnection) {
            outcome = new ConnectionChecked(false, "");
        }
        log.info("command {} of job {} for VM {}: {} {} {}", LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()),
                LogSafe.of(command.getVmId()), op == null ? "?" : op.getClass().getSimpleName(), code, LogSafe.of(message));
        return VcenterResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setJobId(command.getJobId())
                .setVmId(command.getVmId())
                .setCode(code)
                .setMessage(message)
                .setCompletedAt(clock.instant())
                .setOutcome(outcome)
                .build();
    }

    private Object run(VsphereClient vcenter, Object op) {
        if (op instanceof CheckConnection) {
            return operations.checkConnection(vcenter);
        } else if (op instanceof InspectMasterTarget c) {
            MasterTargetInspected inspected = operations.inspectMasterTarget(vcenter, c.getMasterTarget(), c.getReplicaDisks(),
                    c.getOnPremisesVm());
            if (c.getAlternateLocation() != null) {
                inspected.setAlternateLocationProblems(alternateLocationProblems(vcenter, c.getAlternateLocation()));
            }
            return inspected;
        } else if (op instanceof CreateVm c) {
            return operations.createVm(vcenter, c);
        } else if (op instanceof DestroyCreatedVm c) {
            return operations.destroyCreatedVm(vcenter, c);
        } else if (op instanceof PowerOffVm c) {
            return operations.powerOff(vcenter, c.getVm(), c.getInstanceUuid());
        } else if (op instanceof PowerOnVm c) {
            return operations.powerOn(vcenter, c.getVm(), c.getInstanceUuid());
        } else if (op instanceof DetachDisks c) {
            return operations.detach(vcenter, c.getVm(), c.getDisks(), c.getInstanceUuid());
        } else if (op instanceof AttachDisks c) {
            return operations.attach(vcenter, c.getVm(), c.getDisks(), c.getInstanceUuid(), c.getLayout());
        } else if (op instanceof EnableVmwareTools c) {
            return operations.enableTools(vcenter, c.getVm(), c.getInstanceUuid());
        }
        throw new VcenterFailure(VcenterResultCode.INVALID_COMMAND, "unknown operation " + op.getClass().getSimpleName());
    }

    /**
     * The location's problems, looked for in its own vCenter (the master target's when it names none). What
     * keeps them from being looked for is a problem too: the master target's answer stands either way.
     */
    private List<String> alternateLocationProblems(VsphereClient inspected, AlternateLocationToCheck check) {
        String invalid = invalidLocation(check.getLocation());
        if (invalid == null && blank(check.getCreatedFor())) {
            invalid = "createdFor is blank";
        }
        if (invalid != null) {
            return List.of("the alternate location can't be checked: " + invalid);
        }
        String name = check.getLocation().getVCenter();
        VsphereClient vcenter = name == null ? inspected : vcenters.get(name).orElse(null);
        if (vcenter == null) {
            return List.of("vCenter " + name + " of the alternate location is not configured (known: " + known() + ")");
        }
        try {
            return operations.alternateLocationProblems(vcenter, check);
        } catch (VcenterFailure f) {
            log.debug("the alternate location of {} could not be checked", LogSafe.of(check.getLocation().getVmName()), f);
            return List.of("the alternate location could not be checked: " + f.code() + " " + f.getMessage());
        }
    }

    /** What is wrong with a readable command, or null. */
    static String invalid(VcenterCommand command) {
        Object op = command.getOperation();
        if (blank(command.getCommandId()) || blank(command.getJobId())) {
            return "commandId and jobId are required";
        }
        if (op == null) {
            return "no operation";
        }
        if (blank(vcenterOf(op))) {
            return "the operation names no vCenter";
        }
        String vm = vmOf(op);
        if (vm != null && blank(vm)) {
            return "the operation names no VM";
        }
        List<String> disks = disksOf(op);
        if (disks != null && (disks.isEmpty() || disks.stream().anyMatch(CommandHandler::blank))) {
            return "the operation needs at least one disk and no blank disk path";
        }
        if (op instanceof CreateVm c) {
            return invalidCreate(c);
        }
        if (op instanceof DestroyCreatedVm c) {
            return !INSTANCE_UUID.matcher(String.valueOf(c.getInstanceUuid())).matches() ? "instanceUuid is not a UUID"
                    : blank(c.getCreatedFor()) ? "createdFor is blank" : null;
        }
        return null;
    }

    private static String invalidCreate(CreateVm c) {
        String location = invalidLocation(c.getLocation());
        if (location != null) {
            return location;
        }
        MachineShape shape = c.getShape();
        if (shape == null || blank(shape.getGuestId()) || shape.getNumCpus() < 1 || shape.getMemoryMb() < 1) {
            return "the shape needs a guest id, at least one CPU and some memory";
        }
        if (!INSTANCE_UUID.matcher(String.valueOf(c.getInstanceUuid())).matches()) {
            return "instanceUuid is not a UUID";
        }
        if (blank(c.getCreatedFor())) {
            return "createdFor is blank";
        }
        if (c.getLayout().stream().anyMatch(p -> blank(p.getDisk()))) {
            return "the layout has a blank disk path";
        }
        return null;
    }

    /** What is wrong with a location's names, or null: a name given must not be blank (null means the default). */
    private static String invalidLocation(AlternateLocation l) {
        if (l == null) {
            return "no location";
        }
        if (blank(l.getDatacenter()) || blank(l.getDatastore()) || blank(l.getVmName())) {
            return "the location needs a datacenter, a datastore and a VM name";
        }
        if (l.getCluster() == null && l.getHost() == null) {
            return "the location needs a cluster or a host";
        }
        for (String optional : new String[] {l.getCluster(), l.getHost(), l.getResourcePool(), l.getFolder(), l.getNetwork(), l.getVCenter()}) {
            if (optional != null && optional.isBlank()) {
                return "a name of the location is blank (leave it out for the default)";
            }
        }
        return null;
    }

    /** Every operation record names its vCenter in a field called vCenter; CreateVm in its location. */
    static String vcenterOf(Object op) {
        if (op instanceof CreateVm c) {
            return c.getLocation() == null ? null : c.getLocation().getVCenter();
        }
        return (String) field(op, "vCenter");
    }

    /** The VM an operation acts on: "masterTarget" for the inspection, "vm" for the others, null for none. */
    private static String vmOf(Object op) {
        Object vm = op instanceof InspectMasterTarget c ? c.getMasterTarget() : field(op, "vm");
        return vm == null ? null : vm.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> disksOf(Object op) {
        return (List<String>) field(op, "disks");
    }

    private static Object field(Object op, String name) {
        if (op instanceof SpecificRecord record) {
            Schema.Field f = record.getSchema().getField(name);
            return f == null ? null : record.get(f.pos());
        }
        return null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private String known() {
        return vcenters.all().stream().map(VsphereClient::name).collect(Collectors.joining(", "));
    }
}
