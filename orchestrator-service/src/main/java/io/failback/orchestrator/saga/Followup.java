package io.failback.orchestrator.saga;

/**
 * Work a decision leaves for every VM of its job (or one group of it), which the caller applies VM by
 * VM through {@link VmSaga#onFollowup}, so no single step loads a whole plan at once; a large plan's
 * follow-ups are applied a slice of VMs per call, what is left kept as {@link Resume}.
 */
public record Followup(Kind kind, int group, Reason reason, String vmId, String consistencyId, java.util.Map<String, ChosenPoint> points) {

    public Followup {
        points = points == null ? java.util.Map.of() : java.util.Map.copyOf(points);
    }

    public Followup(Kind kind, int group, Reason reason, String vmId) {
        this(kind, group, reason, vmId, null, null);
    }

    /** A follow-up for every VM its kind concerns (no single VM named). */
    public Followup(Kind kind, int group, Reason reason) {
        this(kind, group, reason, null);
    }

    /** The members of a replication group still on the expired point set {@code consistencyId} take {@code points}. */
    static Followup repoint(String consistencyId, java.util.Map<String, ChosenPoint> points) {
        return new Followup(Kind.REPOINT_GROUP, 0, null, null, consistencyId, points);
    }

    /**
     * A follow-up applied to its job's VMs up to {@code afterVmId} (in the store's order; null: none yet), the
     * rest still to do: kept in the job store between the calls that work a large plan off slice by slice.
     */
    public record Resume(Followup followup, String afterVmId) {
    }

    public enum Kind {
        /** A large plan's VMs were stored at its request: each sends its claim and preflight checks now. */
        START_PREFLIGHT,
        /** Preflight passed: every READY VM of {@code group} (of every group: 0) starts its steps. */
        START_ALL,
        /** Group {@code group} may power on now. */
        RELEASE_GROUP,
        /** Preflight failed elsewhere: READY VMs are refused too, their claims released. */
        REJECT_READY,
        /** Cancel during preflight: nothing changed yet, so every VM just stops. */
        CANCEL_ALL,
        /** Cancel or auto-rollback: every VM not yet finished rolls back. */
        ROLLBACK_ALL,
        /** A VM of {@code group} failed: VMs of later groups must not power on, they roll back. */
        ROLLBACK_GROUPS_AFTER,
        /** Commit: every VM awaiting commit has its Azure VM deleted. */
        COMMIT_ALL,
        /** An operator's retry: VMs in NEEDS_ATTENTION ({@code vmId} alone when named) run their rollback on. */
        RETRY_ATTENTION,
        /** A replication group's common point expired for one member: the others take the new common point too. */
        REPOINT_GROUP
    }

    /**
     * Whether this follow-up is for another group than {@code vm}'s, so leaves it as it is: a boot group's start,
     * preflight or commit (group 0: every group's) concerns that group's VMs alone. {@link VmSaga#onFollowup} decides by
     * it, and the caller passes over such VMs without deciding (two thirds of a plan of three groups).
     */
    boolean passesOver(VmJob vm) {
        return group != 0 && vm.group() != group && (kind == Kind.START_PREFLIGHT || kind == Kind.START_ALL || kind == Kind.COMMIT_ALL);
    }

    static Followup of(Kind kind) {
        return new Followup(kind, 0, null);
    }
}
