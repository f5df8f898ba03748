package io.failback.e2e.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.messages.ControlAction;
import io.failback.messages.FailbackRequest;
import io.failback.messages.JobState;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.Topics;
import io.failback.schemas.Acls.Principal;
import org.apache.kafka.common.TopicPartition;

/**
 * One plan of the estate taken through failback while something goes wrong around it: submits the
 * request, commits when the plan awaits commit, waits until the job ends, and then checks what a fault
 * must never cause: a VM half-way (read from the simulator and the emulator), a status that disagrees
 * with where the VM is or leaves its outcome unexplained, an irreversible step sent under two command ids,
 * a dead letter.
 */
public final class PlanRun {

    /** States a job ends in. */
    public static final Set<JobState> ENDED = java.util.EnumSet.of(JobState.COMPLETED, JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK,
            JobState.CANCELLED, JobState.FAILED, JobState.REJECTED);

    private final FailbackSandbox sandbox;
    private final JobWatch watch;
    private final String planId;
    private final String jobId;
    private final Map<TopicPartition, Long> commandMarks;
    private final Map<TopicPartition, Long> deadLetterMarks;
    private final long startedAt = System.nanoTime();
    private boolean committed;

    private PlanRun(FailbackSandbox sandbox, JobWatch watch, String planId, String jobId) {
        this.sandbox = sandbox;
        this.watch = watch;
        this.planId = planId;
        this.jobId = jobId;
        this.commandMarks = TopicRead.endOffsets(sandbox.client(Principal.ADMIN), List.of(Topics.AZURE_COMMANDS.name(), Topics.VCENTER_COMMANDS.name()));
        this.deadLetterMarks = DeadLetterLog.marks(sandbox.client(Principal.ADMIN));
    }

    /** Marks where the command and dead-letter topics stand, then submits the plan (latest points, manual commit). */
    public static PlanRun submit(FailbackSandbox sandbox, JobWatch watch, String planId, String jobId) {
        PlanRun run = new PlanRun(sandbox, watch, planId, jobId);
        watch.submit(JobWatch.plan(jobId, planId).build());
        return run;
    }

    /** As {@link #submit} with a request of the caller's making, sent by {@code send}. */
    public static PlanRun submit(FailbackSandbox sandbox, JobWatch watch, String planId, FailbackRequest request,
                                 java.util.function.Consumer<FailbackRequest> send) {
        PlanRun run = new PlanRun(sandbox, watch, planId, request.getRequestId());
        send.accept(request);
        return run;
    }

    public String jobId() {
        return jobId;
    }

    public List<VmSpec> vms() {
        return sandbox.estate().members(planId);
    }

    /** Waits for the plan to await commit (then commits with {@code commit}) or to end; then for the end. */
    public JobState finish(Duration timeout, Runnable commit) {
        JobState state = watch.await(jobId, timeout, union(ENDED, JobState.AWAITING_COMMIT));
        if (state == JobState.AWAITING_COMMIT) {
            commit.run();
            committed = true;
        }
        return watch.await(jobId, timeout, ENDED);
    }

    public JobState finish(Duration timeout) {
        return finish(timeout, () -> watch.control(jobId, ControlAction.COMMIT));
    }

    public boolean committed() {
        return committed;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** What the run left behind, checked. */
    public Verdict verify() {
        List<String> problems = new ArrayList<>();
        Map<String, VmStatus> statuses = watch.vms(jobId);
        List<EndState> ends = new ArrayList<>();
        for (VmSpec vm : vms()) {
            EndState end = EndState.of(sandbox, vm);
            ends.add(end);
            VmStatus status = statuses.get(vm.vmId());
            if (end.outcome() == EndState.Outcome.HALF_WAY) {
                problems.add("half-way: " + end + "; status " + status);
            }
            if (status == null) {
                problems.add(vm.vmId() + " has no status");
                continue;
            }
            EndState.Outcome said = switch (status.getState()) {
                case COMMITTED, REPROTECTED -> EndState.Outcome.FAILED_BACK;
                case ROLLED_BACK, REJECTED -> EndState.Outcome.ROLLED_BACK;
                default -> EndState.Outcome.HALF_WAY;
            };
            if (said != end.outcome()) {
                problems.add("status says " + status.getState() + " at " + status.getStep() + " " + status.getReasons() + " but " + end);
            }
            if ((status.getState() == VmState.ROLLED_BACK || status.getState() == VmState.REJECTED) && status.getReasons().isEmpty()) {
                problems.add(vm.vmId() + " ended " + status.getState() + " without a reason");
            }
        }
        CommandLedger ledger = CommandLedger.read(sandbox.client(Principal.ADMIN), jobId, sandbox.estate(), commandMarks);
        ledger.violations().forEach(v -> problems.add("an irreversible step sent twice: " + v));
        List<DeadLetterLog.DeadLetter> deadLetters = DeadLetterLog.since(sandbox.client(Principal.ADMIN), deadLetterMarks);
        deadLetters.forEach(d -> problems.add("dead letter " + d));
        return new Verdict(jobId, watch.state(jobId), ends, statuses, ledger, deadLetters, problems);
    }

    /** Where every VM of the run ended and what went wrong, if anything. */
    public record Verdict(String jobId, JobState jobState, List<EndState> ends, Map<String, VmStatus> statuses, CommandLedger ledger,
                          List<DeadLetterLog.DeadLetter> deadLetters, List<String> problems) {

        public long count(EndState.Outcome outcome) {
            return ends.stream().filter(e -> e.outcome() == outcome).count();
        }

        public Verdict with(String problem) {
            List<String> more = new ArrayList<>(problems);
            more.add(0, problem);
            return new Verdict(jobId, jobState, ends, statuses, ledger, deadLetters, List.copyOf(more));
        }

        public String summary() {
            return jobId + " " + jobState + ": " + count(EndState.Outcome.FAILED_BACK) + " failed back, "
                    + count(EndState.Outcome.ROLLED_BACK) + " rolled back, " + count(EndState.Outcome.HALF_WAY) + " half-way; "
                    + ledger.records() + " command records";
        }
    }

    private static Set<JobState> union(Set<JobState> a, JobState b) {
        java.util.EnumSet<JobState> all = java.util.EnumSet.copyOf(a);
        all.add(b);
        return all;
    }
}
