package io.failback.orchestrator.streams;

/** Names of the orchestrator's state stores (their changelog topics derive from these). */
final class StoreNames {

    static final String INVENTORY = "inventory";
    static final String RECOVERY_POINTS = "recovery-points";
    static final String JOBS = "jobs";
    static final String JOB_VMS = "job-vms";
    /** Per VM of a job, what it learnt once: stored apart from {@link #JOB_VMS}, which changes at every step. */
    static final String JOB_VM_FACTS = "job-vm-facts";
    /** Per job, its follow-ups left part done: what the next slice of a large plan takes on. */
    static final String JOB_WORK = "job-work";
    static final String VM_CLAIMS = "vm-claims";

    private StoreNames() {
    }
}
