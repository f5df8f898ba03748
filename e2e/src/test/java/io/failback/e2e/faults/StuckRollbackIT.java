package io.failback.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.messages.ControlAction;
import io.failback.messages.JobState;
import io.failback.messages.ReasonCode;
import io.failback.messages.Step;
import io.failback.messages.VmState;
import io.failback.messages.VmStatus;
import io.failback.schemas.Acls.Principal;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12 item 6, every part its own process: a rollback that a frozen vCenter stops leaves its VM in
 * NEEDS_ATTENTION with the step and why; once the vCenter thaws, {@code failbackctl retry} resumes it and the
 * VM ends rolled back with nothing lost (its Azure VM running, its disks back on the master target). One VM, to
 * keep CI time small.
 */
@ExtendWith(SharedFaultStage.class)
@Order(6)
class StuckRollbackIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void shouldResumeARollbackStoppedByAFrozenVcenterWithRetryAfterItThaws(FaultStage stage) throws Exception {
        // given a VM failed back and awaiting commit
        FailbackSandbox sandbox = stage.sandbox();
        JobWatch watch = stage.watch();
        PlanRun run = PlanRun.submit(sandbox, watch, FaultStage.STUCK_PLAN, "stuck-" + System.currentTimeMillis());
        assertThat(watch.await(run.jobId(), RUN_TIMEOUT, with(PlanRun.ENDED, JobState.AWAITING_COMMIT)))
                .isEqualTo(JobState.AWAITING_COMMIT);

        // when it is cancelled while the vCenter is frozen, its rollback stops at the first vCenter undo step
        sandbox.vcsim().freeze();
        try {
            watch.control(run.jobId(), ControlAction.CANCEL);
            assertThat(watch.await(run.jobId(), RUN_TIMEOUT, with(PlanRun.ENDED, JobState.NEEDS_ATTENTION)))
                    .isEqualTo(JobState.NEEDS_ATTENTION);
        } finally {
            sandbox.vcsim().thaw();
        }
        List<VmStatus> stuck = List.copyOf(watch.vms(run.jobId()).values());
        assertThat(stuck).isNotEmpty().allSatisfy(vm -> {
            assertThat(vm.getState()).isEqualTo(VmState.NEEDS_ATTENTION);
            assertThat(vm.getStep()).isEqualTo(Step.ROLLBACK_POWER_OFF);
            assertThat(vm.getReasons()).anyMatch(r -> r.getCode() == ReasonCode.ROLLBACK_FAILED
                    && r.getMessage().contains("ROLLBACK_POWER_OFF"));
        });
        assertThat(watch.job(run.jobId()).getReasons()).anyMatch(r -> r.getCode() == ReasonCode.NEEDS_ATTENTION);

        // and, the vCenter thawed, the operator retries with failbackctl
        Ctl retry = Ctl.run(sandbox, "retry", run.jobId(), "--wait", "150s");

        // then the retry shows the VM rolled back, and it is, with nothing lost
        System.out.println("failbackctl retry exited " + retry.exit() + ":\n" + retry.out());
        assertThat(retry.exit()).isZero();
        assertThat(retry.out()).contains("retry done: every retried VM is rolled back");
        assertThat(watch.await(run.jobId(), RUN_TIMEOUT, PlanRun.ENDED)).isEqualTo(JobState.CANCELLED);
        PlanRun.Verdict verdict = run.verify();
        System.out.println("stuck rollback resumed: " + verdict.summary() + " in " + run.elapsed().toSeconds() + " s");
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.count(EndState.Outcome.ROLLED_BACK)).isEqualTo(run.vms().size());
        assertThat(watch.vms(run.jobId()).values()).allMatch(vm -> vm.getState() == VmState.ROLLED_BACK);
        assertThat(sandbox.endedService()).isEmpty();
    }

    private static Set<JobState> with(Set<JobState> states, JobState more) {
        Set<JobState> all = EnumSet.copyOf(states);
        all.add(more);
        return all;
    }

    /** One run of the failbackctl command line as its own process, as an operator runs it. */
    private record Ctl(int exit, String out) {

        static Ctl run(FailbackSandbox sandbox, String... args) throws IOException, InterruptedException {
            Path output = Files.createTempFile(Path.of("target").toAbsolutePath(), "failbackctl-", ".txt");
            ProcessBuilder pb = new ProcessBuilder(concat(sandbox.repo().resolve("failbackctl").resolve("failbackctl").toString(), args))
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("FAILBACK_BOOTSTRAP_SERVERS", sandbox.bootstrapServers());
            pb.environment().put("FAILBACK_KAFKA_CONFIG", sandbox.clientConfigFile(Principal.OPERATOR).toString());
            pb.environment().put("USER", "ops-e2e");
            pb.environment().putAll(sandbox.operators().ctlEnvironment(io.failback.demo.SandboxOperators.signerOf(args[0])));
            Process p = pb.start();
            if (!p.waitFor(4, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("failbackctl " + String.join(" ", args) + " did not finish within 4 minutes: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Ctl(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        }

        private static List<String> concat(String first, String... rest) {
            List<String> all = new java.util.ArrayList<>();
            all.add(first);
            all.addAll(List.of(rest));
            return all;
        }
    }
}
