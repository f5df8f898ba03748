package io.failback.orchestrator.saga;

import java.time.Instant;
import java.util.List;

import io.failback.messages.AuditKind;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.JobState;
import io.failback.messages.JobStatus;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmState;
import io.failback.schemas.signing.Roster;

/**
 * The job as a whole: commit and cancel, the commit policy's timer, the boot-order groups, and the job's
 * state as its VMs add up. What it decides for every VM it hands out as a {@link Followup}.
 */
final class JobSaga {

    /** The plan rules and four-eyes plans; empty in the unsigned local mode. */
    private final Roster roster;

    JobSaga(Roster roster) {
        this.roster = roster;
    }

    // ================================================================== control

    /** A control command refused before it reached a job (its fields out of bounds): audit only, nothing changed. */
    Decision onUnroutableControl(ControlCommand control, Reason reason, long now) {
        Decision d = new Decision(null, now);
        d.auditFor(Intake.safeId(control.getJobId()), AuditKind.REFUSAL, Intake.quote(control.getRequestedBy()),
                control.getAction() + " refused", reason.code() + ": " + reason.message());
        return d;
    }

    Decision onControl(Job job, ControlCommand control, long now) {
        Decision d = new Decision(job, now);
        if (job == null) {
            d.auditFor(control.getJobId(), AuditKind.REFUSAL, control.getRequestedBy(), control.getAction() + " refused",
                    ReasonCode.UNKNOWN_JOB + ": no job " + control.getJobId());
            return d;
        }
        Job j = d.working();
        d.audit(AuditKind.CONTROL, null, null, control.getRequestedBy(), control.getAction() + " received", control.getControlId());
        if (control.getAction() == ControlAction.COMMIT) {
            if (j.state() == JobState.AWAITING_COMMIT && roster.fourEyes(j.planId()) && control.getRequestedBy().equals(j.requestedBy())) {
                refuse(d, control, ReasonCode.FOUR_EYES_REQUIRED, "plan " + j.planId() + " takes four eyes: " + j.requestedBy()
                        + " asked for this failback, so another approver must commit it; this commit changes nothing");
            } else if (j.state() == JobState.AWAITING_COMMIT && roster.fourEyes(j.planId()) && roster.isShared(control.getRequestedBy())) {
                refuse(d, control, ReasonCode.FOUR_EYES_REQUIRED, "plan " + j.planId() + " takes four eyes: "
                        + control.getRequestedBy() + " is a shared identity, no one's own pair of eyes, so an approver must commit"
                        + " it with their own key; this commit changes nothing");
            } else if (j.state() == JobState.AWAITING_COMMIT) {
                commit(d, control.getRequestedBy());
                d.jobStatus();
            } else if (j.isFinished()) {
                refuse(d, control, ReasonCode.JOB_ALREADY_FINISHED, "job " + j.jobId() + " already ended " + j.state()
                        + (j.committed() ? " after its commit" : "") + "; this commit changes nothing");
            } else if (j.committed()) {
                refuse(d, control, ReasonCode.NOT_AWAITING_COMMIT, "job " + j.jobId() + " is already committed and "
                        + j.state() + "; this second commit changes nothing");
            } else {
                refuse(d, control, ReasonCode.NOT_AWAITING_COMMIT,
                        "job " + j.jobId() + " is " + j.state() + "; commit applies to a job awaiting commit");
            }
            return d;
        }
        if (j.committed()) {
            refuse(d, control, ReasonCode.CANCEL_AFTER_COMMIT, "job " + j.jobId()
                    + " is committed: its Azure VMs are being deleted, there is nothing to go back to");
        } else if (j.isFinished()) {
            refuse(d, control, ReasonCode.JOB_ALREADY_FINISHED, "job " + j.jobId() + " already ended " + j.state());
        } else if (j.state() == JobState.NEEDS_ATTENTION) {
            refuse(d, control, ReasonCode.NEEDS_ATTENTION, "job " + j.jobId() + " already rolled back as far as it could;"
                    + " fix what its VMs' reasons name, then: failbackctl retry " + j.jobId());
        } else if (j.cancelRequested() || j.state() == JobState.ROLLING_BACK) {
            d.audit(AuditKind.DECISION, null, null, control.getRequestedBy(), "cancel repeated", "already rolling back");
        } else {
            Reason reason = new Reason(ReasonCode.CANCELLED_BY_OPERATOR, "cancelled by " + control.getRequestedBy());
            j = j.withCancelRequested(true).withTimerAt(0).withReason(reason);
            if (j.state() == JobState.PREFLIGHT) {
                d.followup(new Followup(Followup.Kind.CANCEL_ALL, 0, reason));
            } else {
                j = j.withState(JobState.ROLLING_BACK);
                d.followup(new Followup(Followup.Kind.ROLLBACK_ALL, 0, reason));
            }
            d.setJob(j);
            d.audit(AuditKind.DECISION, null, null, control.getRequestedBy(), "cancel accepted", "every VM not yet finished rolls back");
            d.jobStatus();
        }
        return d;
    }

    static void refuse(Decision d, ControlCommand control, ReasonCode code, String message) {
        d.audit(AuditKind.REFUSAL, null, null, control.getRequestedBy(), control.getAction() + " refused", code + ": " + message);
        publishRefusal(d, new Reason(code, message));
    }

    /** The job's status as it is, with the refusal as its only reason: the job itself doesn't change. */
    static void publishRefusal(Decision d, Reason reason) {
        d.statuses().add(StatusEvent.newBuilder().setJobId(d.working().jobId())
                .setAt(Instant.ofEpochMilli(d.now()))
                .setJob(JobStatus.newBuilder(Decision.jobStatus(d.working()))
                        .setReasons(List.of(reason.toMessage())).build()).build());
    }

    /** The commit by {@code approver} (the verified operator, or "auto-commit") accepted. */
    private static void commit(Decision d, String approver) {
        d.setJob(d.working().withState(JobState.COMMITTING).withCommitted(true).withTimerAt(0).withApprovedBy(approver));
        d.audit(AuditKind.DECISION, null, null, null, "commit accepted", "auto-commit".equals(approver) ? approver : "commit by " + approver);
        // boot group by boot group: group 1, on premises longest, has its Azure VMs deleted first
        for (int group = 1; group < d.working().groupCount(); group++) {
            d.followup(new Followup(Followup.Kind.COMMIT_ALL, group, null));
        }
        d.followup(Followup.of(Followup.Kind.COMMIT_ALL)); // group 0: every VM still awaiting it
    }

    // ================================================================== commit policy

    /** The job's auto-commit or auto-rollback delay passed. */
    Decision onTimer(Job job, long now) {
        Decision d = new Decision(job, now);
        Job j = d.working();
        if (j.timerAt() == 0 || now < j.timerAt() || j.state() != JobState.AWAITING_COMMIT) {
            return d;
        }
        commitDelayPassed(d);
        return d;
    }

    /** The auto-commit or auto-rollback delay of the job awaiting its commit has passed: the commit, or the rollback. */
    private static void commitDelayPassed(Decision d) {
        Job j = d.working();
        d.setJob(j.withTimerAt(0));
        if (j.commitPolicy() == CommitPolicyKind.AUTO_COMMIT) {
            commit(d, "auto-commit");
        } else {
            Reason reason = new Reason(ReasonCode.AUTO_ROLLBACK, "auto-rollback after " + j.commitDelaySeconds() + " s without commit");
            d.setJob(d.working().withState(JobState.ROLLING_BACK).withReason(reason));
            d.audit(AuditKind.DECISION, null, null, null, "auto-rollback", reason.message());
            d.followup(new Followup(Followup.Kind.ROLLBACK_ALL, 0, reason));
        }
        d.jobStatus();
    }

    // ================================================================== the job as a whole

    /** Moves the job on once its VMs allow: preflight verdict, boot-group gate, awaiting commit, the end. */
    void reconcile(Decision d) {
        Job j = d.working();
        JobState was = j.state();
        int groupWas = j.currentGroup();
        switch (j.state()) {
            case PREFLIGHT -> {
                if (j.count(VmState.PREFLIGHT) == 0 && !j.cancelRequested()) {
                    int rejected = j.count(VmState.REJECTED);
                    if (rejected > 0) {
                        j = j.withState(JobState.REJECTED).withReason(new Reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT,
                                rejected + " of " + j.totalVms() + " VM(s) failed preflight; nothing was changed"));
                        d.followup(new Followup(Followup.Kind.REJECT_READY, 0, new Reason(ReasonCode.OTHER_VMS_FAILED_PREFLIGHT,
                                "this VM passed preflight, but " + rejected + " other VM(s) of the job did not")));
                    } else {
                        j = j.withState(JobState.RUNNING);
                        // in boot-group order: group 1's Azure VMs are shut down and its disks moved first, so it
                        // powers on while later groups' disks are still moving, and the first VMs are back soonest
                        for (int group = 1; group < j.groupCount(); group++) {
                            d.followup(new Followup(Followup.Kind.START_ALL, group, null));
                        }
                        d.followup(Followup.of(Followup.Kind.START_ALL)); // group 0: every VM still ready
                    }
                } else if (j.cancelRequested() && active(j) == 0) {
                    j = j.withState(JobState.CANCELLED);
                }
            }
            case RUNNING, ROLLING_BACK -> {
                if (j.state() == JobState.RUNNING) {
                    j = gate(d, j);
                }
                if (active(j) == 0) {
                    if (j.count(VmState.FAILED_BACK_AWAITING_COMMIT) > 0) {
                        j = j.withState(JobState.AWAITING_COMMIT);
                        if (j.commitPolicy() != CommitPolicyKind.MANUAL) {
                            j = j.withTimerAt(d.now() + j.commitDelaySeconds() * 1000L);
                        }
                    } else {
                        j = j.withState(finalState(j));
                    }
                }
            }
            case AWAITING_COMMIT -> {
                if (j.count(VmState.FAILED_BACK_AWAITING_COMMIT) == 0 && active(j) == 0) {
                    j = j.withState(finalState(j));
                }
            }
            case COMMITTING, REPROTECTING -> {
                // a VM still awaiting commit is about to be committed by this commit's follow-up: not the end yet
                if (j.countOf(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING, VmState.REPROTECTING) == 0) {
                    j = j.withState(finalState(j));
                } else if (j.countOf(VmState.FAILED_BACK_AWAITING_COMMIT, VmState.COMMITTING) == 0) {
                    j = j.withState(JobState.REPROTECTING);
                }
            }
            case NEEDS_ATTENTION -> {
                // an operator's retry set a VM rolling back again: the job rolls back with it
                if (active(j) > 0) {
                    j = j.withState(JobState.ROLLING_BACK);
                }
            }
            default -> {
                // finished jobs don't move
            }
        }
        if (j.state() == JobState.NEEDS_ATTENTION && was != JobState.NEEDS_ATTENTION) {
            j = j.withReason(Attention.jobReason(j));
        }
        d.setJob(j);
        if (j.state() != was || j.currentGroup() != groupWas) {
            if (j.state() != was) {
                d.audit(AuditKind.DECISION, null, null, null, "job " + j.state(), was + " -> " + j.state());
            }
            d.jobStatus();
        }
        if (j.state() == JobState.AWAITING_COMMIT && was != JobState.AWAITING_COMMIT && j.timerAt() != 0 && j.timerAt() <= d.now()) {
            // a delay of 0 s has passed already: the commit (or the rollback) now, not at the timers' next look
            commitDelayPassed(d);
        }
    }

    private static Job gate(Decision d, Job job) {
        Job j = job;
        while (j.blockedAtGroup() == 0 && j.currentGroup() <= j.groupCount()) {
            int i = j.currentGroup() - 1;
            if (j.groupFailed().get(i) > 0) {
                j = j.withBlockedAtGroup(j.currentGroup());
                if (j.currentGroup() < j.groupCount()) {
                    d.followup(new Followup(Followup.Kind.ROLLBACK_GROUPS_AFTER, j.currentGroup(), dependencyFailure(j.currentGroup())));
                }
            } else if (j.groupWaiting().get(i) == 0 && j.currentGroup() < j.groupCount()) {
                j = j.withCurrentGroup(j.currentGroup() + 1);
                d.audit(AuditKind.DECISION, null, null, null, "boot group " + j.currentGroup() + " may power on",
                        "every VM of group " + (j.currentGroup() - 1) + " is on");
                d.followup(new Followup(Followup.Kind.RELEASE_GROUP, j.currentGroup(), null));
            } else {
                break;
            }
        }
        return j;
    }

    private static int active(Job j) {
        return j.countOf(VmState.PREFLIGHT, VmState.READY, VmState.FAILING_BACK, VmState.WAITING_FOR_GROUP, VmState.ROLLING_BACK);
    }

    private static JobState finalState(Job j) {
        int ok = j.countOf(VmState.COMMITTED, VmState.REPROTECTED);
        int failed = j.count(VmState.FAILED);
        if (j.count(VmState.NEEDS_ATTENTION) > 0) {
            return JobState.NEEDS_ATTENTION;
        }
        if (ok == j.totalVms()) {
            return JobState.COMPLETED;
        }
        if (ok > 0) {
            return JobState.PARTIALLY_COMPLETED;
        }
        if (failed == 0) {
            return j.cancelRequested() ? JobState.CANCELLED : JobState.ROLLED_BACK;
        }
        return JobState.FAILED;
    }

    static Reason dependencyFailure(int group) {
        return new Reason(ReasonCode.DEPENDENCY_GROUP_FAILED, "a VM of boot group " + group
                + " did not fail back, so later groups do not power on");
    }
}
