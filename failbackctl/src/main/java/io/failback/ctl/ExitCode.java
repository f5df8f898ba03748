package io.failback.ctl;

/** The exit codes scripts can act on; the same list is printed by {@code --help}. */
public final class ExitCode {

    public static final int OK = 0;
    public static final int UNEXPECTED = 1;
    public static final int BAD_ARGUMENTS = 2;
    public static final int BROKER_UNREACHABLE = 3;
    public static final int JOB_NOT_FOUND = 4;
    public static final int JOB_NOT_SUCCESSFUL = 5;
    public static final int TIMED_OUT = 6;
    public static final int REFUSED = 7;

    /** For picocli's exit code section: "code:description". */
    public static final String[] HELP = {
        "0:ok (watch: the job COMPLETED, or is AWAITING_COMMIT without --until-done)",
        "1:unexpected error",
        "2:bad arguments",
        "3:broker unreachable, refused the connection or lacks the failback topics",
        "4:job not found on the status topic (audit: no audit record of the job, or of the --vm)",
        "5:job ended not successful: REJECTED, FAILED, ROLLED_BACK, CANCELLED or PARTIALLY_COMPLETED"
            + " (retry: a VM needs attention again)",
        "6:watch --timeout ran out before the job ended (retry: --wait ran out before its VMs rolled back)",
        "7:the orchestrator refused the command (retry: nothing needs attention, or no such VM in the job)",
    };

    private ExitCode() {
    }
}
