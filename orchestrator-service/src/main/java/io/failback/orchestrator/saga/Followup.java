package io.failback.orchestrator.saga;

/**
 * Work a decision leaves for every VM of its job (or one group of it), which the caller applies VM by
 * VM through {@link VmSaga#onFollowup}, so no single step loads a whole plan at once.
 */
public record Followup(Kind kind, int group, Reason reason, String vmId) {

    /** A follow-up for every VM its kind concerns (no single VM named). */
    public Followup(Kind kind, int group, Reason reason) {
        this(kind, group, reason, null);
    }

    public enum Kind {
        /** Preflight passed: every READY VM starts its steps. */
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
        RETRY_ATTENTION
    }

    static Followup of(Kind kind) {
        return new Followup(kind, 0, null);
    }
}
