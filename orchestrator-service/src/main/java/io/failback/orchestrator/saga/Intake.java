package io.failback.orchestrator.saga;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.failback.messages.AzureResult;
import io.failback.messages.AzureVmState;
import io.failback.messages.ConnectionChecked;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlCommand;
import io.failback.messages.DisksChanged;
import io.failback.messages.FailbackRequest;
import io.failback.messages.MasterTargetInspected;
import io.failback.messages.OnPremisesVmInspected;
import io.failback.messages.ProtectedItem;
import io.failback.messages.ReasonCode;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationResult;
import io.failback.messages.ToolsEnabled;
import io.failback.messages.VcenterResult;
import io.failback.schemas.LogSafe;

/**
 * The bounds every request and control command must keep before it can touch a job: ids from a safe
 * alphabet, free text without control characters, lists and numbers within documented maxima. Input
 * outside them is refused with {@link ReasonCode#INVALID_FIELD} and nothing is stored, so nothing the
 * orchestrator keeps or publishes grows with what a client sends. The limits are documented in the
 * README ("Limits") and in {@code failback.avdl}.
 */
public final class Intake {

    /** Request, job and control ids: they become store keys and record keys. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** VM, plan and process-server ids as the inventory names them: printable ASCII, no space or '/'. */
    public static final Pattern NAME = Pattern.compile("[\\x21-\\x2e\\x30-\\x7e]{1,128}");
    public static final int MAX_REQUESTED_BY_CHARS = 256;
    /** vSphere's instance UUIDs are 36 hexadecimal digits and dashes. */
    static final Pattern INSTANCE_UUID = Pattern.compile("[0-9A-Fa-f-]{32,36}");
    /** The most VMs one job holds, listed or through its plan. */
    public static final int MAX_VMS_PER_JOB = 10_000;
    public static final int MAX_COMMIT_DELAY_SECONDS = 7 * 24 * 3600;
    /** Items of a list quoted in a reason; the rest are counted. */
    static final int QUOTED_ITEMS = 20;

    private Intake() {
    }

    /** Why a request within bounds still can't become a job, given what the inventory knows; empty when it can. */
    static List<Reason> validate(FailbackRequest r, Requests.RequestFacts facts) {
        List<Reason> reasons = new ArrayList<>();
        if (r.getRequestId() == null || r.getRequestId().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "requestId is empty"));
        }
        if (r.getRequestedBy() == null || r.getRequestedBy().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "requestedBy is empty: say who asks for the failback"));
        }
        boolean hasVms = !r.getVmIds().isEmpty();
        boolean hasPlan = r.getPlanId() != null;
        if (hasVms && hasPlan) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "give either VMs or a recovery plan, not both"));
        } else if (!hasVms && !hasPlan) {
            reasons.add(new Reason(ReasonCode.EMPTY_REQUEST, "the request names no VM and no recovery plan"));
        }
        if (hasVms) {
            Set<String> seen = new HashSet<>();
            List<String> blankOrRepeated = r.getVmIds().stream().filter(v -> v.isBlank() || !seen.add(v)).toList();
            if (!blankOrRepeated.isEmpty()) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "VM ids blank or repeated: " + list(blankOrRepeated)));
            }
            List<String> unknown = r.getVmIds().stream().filter(v -> !v.isBlank() && facts.items().get(v) == null).toList();
            if (!unknown.isEmpty() && !hasPlan) {
                reasons.add(new Reason(ReasonCode.UNKNOWN_VM, "not in the inventory: " + list(unknown)));
            }
        }
        if (hasPlan && !hasVms) {
            if (r.getPlanId().isBlank()) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "planId is blank"));
            } else if (facts.plan() == null) {
                reasons.add(new Reason(ReasonCode.UNKNOWN_PLAN, "no recovery plan " + r.getPlanId() + " in the inventory"));
            } else if (facts.plan().getMemberCount() > MAX_VMS_PER_JOB) {
                reasons.add(new Reason(ReasonCode.INVALID_FIELD, "recovery plan " + r.getPlanId() + " has "
                        + facts.plan().getMemberCount() + " VMs; a job holds at most " + MAX_VMS_PER_JOB));
            } else if (facts.members().size() != facts.plan().getMemberCount() || facts.members().isEmpty()) {
                reasons.add(new Reason(ReasonCode.PLAN_INCOMPLETE, "recovery plan " + r.getPlanId() + " lists "
                        + facts.plan().getMemberCount() + " VMs but the inventory holds " + (facts.members().size() > MAX_VMS_PER_JOB
                        ? "more than " + MAX_VMS_PER_JOB : facts.members().size())));
            } else if (facts.members().stream().anyMatch(m -> m.getGroup() < 1 || m.getGroup() > facts.plan().getGroupCount())) {
                reasons.add(new Reason(ReasonCode.PLAN_INCOMPLETE, "recovery plan " + r.getPlanId()
                        + " has a VM outside its groups 1.." + facts.plan().getGroupCount()));
            }
        }
        CommitPolicyKind policy = r.getCommitPolicy().getKind();
        if (policy != CommitPolicyKind.MANUAL && r.getCommitPolicy().getDelaySeconds() < 0) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "commit delay must not be negative"));
        }
        if (r.getReprotect() != null && r.getReprotect().getProcessServer().isBlank()) {
            reasons.add(new Reason(ReasonCode.INVALID_FIELD, "reprotect needs a process server"));
        }
        reasons.addAll(AlternateLocations.validate(r, facts.members()));
        return reasons;
    }

    /** Why this request can't become a job at all (nothing is stored for it), or null when it can. */
    public static Reason refusal(String recordKey, FailbackRequest r) {
        List<String> problems = new ArrayList<>();
        if (!isId(r.getRequestId())) {
            problems.add("requestId must be 1 to 128 of A-Z a-z 0-9 . _ : - (got '" + quote(r.getRequestId()) + "')");
        } else if (!r.getRequestId().equals(recordKey)) {
            problems.add("the record key ('" + quote(recordKey) + "') must be the requestId ('" + r.getRequestId() + "')");
        }
        requestedBy(r.getRequestedBy(), problems);
        if (r.getVmIds().size() > MAX_VMS_PER_JOB) {
            problems.add("vmIds lists " + r.getVmIds().size() + " VMs; a request holds at most " + MAX_VMS_PER_JOB);
        } else {
            List<String> bad = r.getVmIds().stream().filter(v -> !isName(v)).toList();
            if (!bad.isEmpty()) {
                problems.add("vmIds must each be 1 to 128 printable characters without space or '/': " + list(bad));
            }
        }
        AlternateLocations.bounds(r, problems);
        if (r.getPlanId() != null && !isName(r.getPlanId())) {
            problems.add("planId must be 1 to 128 printable characters without space or '/' (got '" + quote(r.getPlanId()) + "')");
        }
        int delay = r.getCommitPolicy().getDelaySeconds();
        if (delay < 0 || delay > MAX_COMMIT_DELAY_SECONDS) {
            problems.add("commitPolicy.delaySeconds must be 0 to " + MAX_COMMIT_DELAY_SECONDS + " (got " + delay + ")");
        }
        if (r.getReprotect() != null && !isName(r.getReprotect().getProcessServer())) {
            problems.add("reprotect.processServer must be 1 to 128 printable characters without space or '/' (got '"
                    + quote(r.getReprotect().getProcessServer()) + "')");
        }
        return problems.isEmpty() ? null : new Reason(ReasonCode.INVALID_FIELD, String.join("; ", problems));
    }

    /** Why this control command can't reach a job, or null when it can. */
    public static Reason refusal(ControlCommand c) {
        List<String> problems = new ArrayList<>();
        if (!isId(c.getJobId())) {
            problems.add("jobId must be 1 to 128 of A-Z a-z 0-9 . _ : - (got '" + quote(c.getJobId()) + "')");
        }
        if (!isId(c.getControlId())) {
            problems.add("controlId must be 1 to 128 of A-Z a-z 0-9 . _ : - (got '" + quote(c.getControlId()) + "')");
        }
        if (c.getVmId() != null && !isId(c.getVmId())) {
            problems.add("vmId must be 1 to 128 of A-Z a-z 0-9 . _ : - (got '" + quote(c.getVmId()) + "')");
        }
        requestedBy(c.getRequestedBy(), problems);
        return problems.isEmpty() ? null : new Reason(ReasonCode.INVALID_FIELD, String.join("; ", problems));
    }

    public static boolean isId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** An id as it may appear in status and audit: itself when valid, else escaped and cut. */
    public static String safeId(String id) {
        return isId(id) ? id : LogSafe.of(id, 64);
    }

    /** A value from input, escaped and cut, to quote in a reason. */
    public static String quote(String value) {
        return LogSafe.of(value, 64);
    }

    /** Up to {@link #QUOTED_ITEMS} items, escaped, then how many more: a reason never grows with the input. */
    public static String list(List<String> items) {
        List<String> shown = items.stream().limit(QUOTED_ITEMS).map(Intake::quote).toList();
        String more = items.size() > QUOTED_ITEMS ? " and " + (items.size() - QUOTED_ITEMS) + " more" : "";
        return shown + more;
    }

    /** Characters of an agent's free-text message kept in status, audit and state. */
    static final int MAX_MESSAGE_CHARS = 500;
    /** Entries of a list in a result kept: far above any real VM (Azure: 64 data disks, 8 NICs). */
    static final int MAX_RESULT_LIST = 256;

    /**
     * The result with its free text escaped and cut, its ids cut and its lists bounded: a result can't grow a job. Made
     * with the all-arguments constructors, in the schema's field order: a builder made from the result would deep-copy
     * every field first, for each result read (IntakeBoundsTest checks each field by name).
     */
    public static AzureResult bound(AzureResult r) {
        AzureVmState vm = r.getOutcome();
        return new AzureResult(cut(r.getCommandId()), r.getJobId(), r.getVmId(), r.getCode(), LogSafe.of(r.getArmCode(), 100),
                LogSafe.of(r.getMessage(), MAX_MESSAGE_CHARS), r.getCompletedAt(), vm == null ? null
                : new AzureVmState(vm.getExists(), cut(vm.getResourceGroup()), vm.getPowerState(), bounded(vm.getManagedDiskIds()),
                bounded(vm.getNetworkInterfaceIds())));
    }

    /** As {@link #bound(AzureResult)}. */
    public static VcenterResult bound(VcenterResult r) {
        Object outcome = r.getOutcome();
        if (outcome instanceof ConnectionChecked c) {
            outcome = new ConnectionChecked(c.getConnected(), LogSafe.of(c.getVersion(), 100));
        } else if (outcome instanceof MasterTargetInspected m) {
            OnPremisesVmInspected o = m.getOnPremisesVm();
            outcome = new MasterTargetInspected(m.getExists(), m.getSnapshotCount(), bounded(m.getAttachedReplicaDisks()),
                    m.getMasterTargetOsFamily(), LogSafe.of(m.getMasterTargetGuestId(), 100),
                    o == null ? null : new OnPremisesVmInspected(o.getExists(), LogSafe.of(o.getName(), 100), o.getPoweredOff(),
                            o.getLayoutProblems().stream().limit(MAX_RESULT_LIST).map(p -> LogSafe.of(p, MAX_MESSAGE_CHARS)).toList()),
                    m.getAlternateLocationProblems().stream().limit(MAX_RESULT_LIST).map(p -> LogSafe.of(p, MAX_MESSAGE_CHARS)).toList());
        } else if (outcome instanceof DisksChanged c) {
            outcome = new DisksChanged(bounded(c.getDisks()));
        } else if (outcome instanceof ToolsEnabled t) {
            outcome = new ToolsEnabled(LogSafe.of(t.getMechanism(), 100));
        } else if (outcome instanceof io.failback.messages.VmCreated c) {
            // the instance UUID goes to state and finds the VM afterwards: kept only when it can be one
            outcome = new io.failback.messages.VmCreated(LogSafe.of(c.getName(), 100),
                    INSTANCE_UUID.matcher(c.getInstanceUuid()).matches() ? c.getInstanceUuid() : "", c.getAlreadyExisted());
        }
        return new VcenterResult(cut(r.getCommandId()), r.getJobId(), r.getVmId(), r.getCode(),
                LogSafe.of(r.getMessage(), MAX_MESSAGE_CHARS), r.getCompletedAt(), outcome);
    }

    /** As {@link #bound(AzureResult)}. */
    public static ReplicationResult bound(ReplicationResult r) {
        io.failback.messages.FailbackPrepared prepared = r.getOutcome();
        // the applied point's id goes to state, status and audit: no bigger than an id the saga itself writes
        return new ReplicationResult(cut(r.getCommandId()), r.getJobId(), r.getVmId(), r.getCode(),
                LogSafe.of(r.getMessage(), MAX_MESSAGE_CHARS), r.getCompletedAt(), prepared == null ? null
                : io.failback.messages.FailbackPrepared.newBuilder(prepared).setPointId(cut(prepared.getPointId())).build());
    }

    /** At most {@link #MAX_RESULT_LIST} machine values, each cut ({@link #cut}). */
    private static List<String> bounded(List<String> values) {
        return values.stream().limit(MAX_RESULT_LIST).map(Intake::cut).toList();
    }

    /** What of an inventory item is beyond what a real one holds, or null: such an item is refused, never stored. */
    public static String outOfBounds(ProtectedItem item) {
        if (item.getReplicaDisks().size() > MAX_RESULT_LIST) {
            return item.getReplicaDisks().size() + " replica disks";
        }
        if (item.getDiskLayout().size() > MAX_RESULT_LIST) {
            return item.getDiskLayout().size() + " disk placements";
        }
        List<String> values = new ArrayList<>(item.getReplicaDisks());
        Collections.addAll(values, item.getVmName(), item.getAzureVmId(), item.getAzureResourceGroup(), item.getOsVersion(),
                item.getVCenter(), item.getMasterTarget(), item.getOnPremisesVm(), item.getReplicationGroup(),
                item.getProcessServer(), item.getConfigurationServer(), item.getOnPremisesInstanceUuid());
        item.getDiskLayout().forEach(p -> values.add(p.getDisk()));
        return values.stream().filter(v -> v != null && (v.length() > 1024 || !LogSafe.isPlain(v))).findFirst()
                .map(v -> "a value of " + v.length() + " characters or with control characters ('" + quote(v) + "')").orElse(null);
    }

    /** The recovery points whose ids are well formed; a point with a hostile id can't be chosen. */
    public static Map<String, List<RecoveryPoint>> wellFormed(Map<String, List<RecoveryPoint>> points) {
        Map<String, List<RecoveryPoint>> kept = new HashMap<>();
        points.forEach((vm, list) -> kept.put(vm, list.stream().filter(p -> isName(p.getPointId())
                && (p.getConsistencyId() == null || isName(p.getConsistencyId()))).toList()));
        return kept;
    }

    /** A machine value (a resource id, a disk path) of a result: kept as it is up to 1,024 characters. */
    private static String cut(String value) {
        return value == null || value.length() <= 1024 ? value : LogSafe.of(value, 1024);
    }

    private static void requestedBy(String by, List<String> problems) {
        if (by == null || by.isBlank()) {
            problems.add("requestedBy is empty: say who asks");
        } else if (by.length() > MAX_REQUESTED_BY_CHARS || !LogSafe.isPlain(by)) {
            problems.add("requestedBy must be at most " + MAX_REQUESTED_BY_CHARS + " characters without control characters (got '"
                    + quote(by) + "', " + by.length() + " characters)");
        }
    }
}
