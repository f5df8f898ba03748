package io.failback.ctl.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.failback.ctl.CtlException;
import io.failback.ctl.ExitCode;
import io.failback.ctl.kafka.FailbackBroker;
import io.failback.ctl.kafka.StatusReader;
import io.failback.ctl.view.JobView;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.Reason;
import io.failback.messages.ReasonCode;
import io.failback.messages.StatusEvent;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.Topics;
import io.failback.schemas.signing.OperatorKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retry}: asks the orchestrator to run again the rollback steps that stopped (VMs in NEEDS_ATTENTION), for
 * the whole job or one VM, then follows the answer: a named refusal, or each retried VM until it is rolled back or
 * needs attention again. A retry only ever runs undo steps; it deletes nothing.
 */
@Command(name = "retry", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Resume the rollback of a job's VMs that NEED_ATTENTION (a rollback step failed after its attempts),"
                + " once what their status names is fixed. The failed steps run again with new command ids; no Azure VM and no disk is deleted.",
                "Prints the orchestrator's answer and each retried VM's outcome."})
public final class RetryCommand extends KafkaCommand.ForJob {

    private static final Set<ReasonCode> REFUSALS = Set.of(ReasonCode.NOTHING_NEEDS_ATTENTION, ReasonCode.UNKNOWN_VM);
    private static final Duration POLL = Duration.ofMillis(250);

    @Option(names = "--vm", paramLabel = "VM", description = "Retry only this VM of the job (default: every VM that needs attention).")
    String vmId;

    @Option(names = "--requested-by", paramLabel = "NAME", description = "Who asks, for status and audit (default: $USER).")
    String requestedBy;

    @Mixin
    SigningOptions signing;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to follow the retried VMs before giving up (exit 6; the retry goes on). Default: ${DEFAULT-VALUE}.")
    Duration wait;

    public RetryCommand(Console console) {
        super(console);
    }

    @Override
    public Integer call() {
        OperatorKey key = signing.key(console);
        FailbackBroker kafka = connect(Topics.CONTROL, Topics.STATUS);
        try (StatusReader reader = kafka.statusOf(jobId)) {
            JobView view = new JobView();
            reader.readToEnd().stream().filter(e -> jobId.equals(e.getJobId())).forEach(view::apply);
            var job = view.job(jobId).orElseThrow(() -> new CtlException(ExitCode.JOB_NOT_FOUND,
                    "job " + jobId + " not found on " + Topics.STATUS.name()));
            // the VMs this retry should move: those the status topic last showed needing attention
            Map<String, VmState> retried = new LinkedHashMap<>();
            job.vms().stream().filter(v -> v.getState() == VmState.NEEDS_ATTENTION && (vmId == null || vmId.equals(v.getVmId())))
                    .forEach(v -> retried.put(v.getVmId(), v.getState()));
            ControlCommand command = command(Instant.now(), key);
            kafka.send(Topics.CONTROL, jobId, command, key);
            console.out().println("retry sent for job " + jobId + (vmId == null ? "" : " VM " + vmId) + " (its state was "
                    + (job.state() == null ? "not yet known" : job.state().name()) + "; control id " + command.getControlId() + ")");
            return follow(reader, retried);
        }
    }

    private int follow(StatusReader reader, Map<String, VmState> retried) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean accepted = false;
        while (System.nanoTime() < deadline) {
            for (StatusEvent e : reader.poll(POLL)) {
                if (!jobId.equals(e.getJobId())) {
                    continue;
                }
                if (e.getJob() != null) {
                    for (Reason r : e.getJob().getReasons()) {
                        if (!accepted && REFUSALS.contains(r.getCode())) {
                            console.err().println("failbackctl: retry refused: " + r.getCode() + ": " + r.getMessage());
                            return ExitCode.REFUSED;
                        }
                    }
                } else if (e.getVm() != null && (vmId == null || vmId.equals(e.getVm().getVmId()))) {
                    VmStatus vm = e.getVm();
                    VmState was = retried.get(vm.getVmId());
                    if (was != null && vm.getState() != was) {
                        accepted = true;
                        retried.put(vm.getVmId(), vm.getState());
                        console.out().println(vm.getVmId() + "  " + vm.getState() + "  " + vm.getStep()
                                + (vm.getState() == VmState.NEEDS_ATTENTION && !vm.getReasons().isEmpty()
                                ? "  " + vm.getReasons().get(vm.getReasons().size() - 1).getMessage() : ""));
                    }
                }
            }
            if (accepted && retried.values().stream().noneMatch(s -> s == VmState.ROLLING_BACK)) {
                boolean allBack = retried.values().stream().allMatch(s -> s == VmState.ROLLED_BACK);
                console.out().println(allBack ? "retry done: every retried VM is rolled back"
                        : "retry stopped: a VM needs attention again; its status names the step and why");
                return allBack ? ExitCode.OK : ExitCode.JOB_NOT_SUCCESSFUL;
            }
        }
        throw new CtlException(ExitCode.TIMED_OUT, "the retried VMs of job " + jobId + " were still rolling back when --wait "
                + wait.toSeconds() + "s ran out; follow them with: failbackctl watch " + jobId);
    }

    ControlCommand command(Instant now, OperatorKey key) {
        String by = key != null ? key.operator() : requestedBy == null || requestedBy.isBlank() ? console.user() : requestedBy.trim();
        return new ControlCommand(UUID.randomUUID().toString(), jobId, ControlAction.RETRY, by, now, vmId);
    }
}
