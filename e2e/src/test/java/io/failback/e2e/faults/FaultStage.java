package io.failback.e2e.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.failback.demo.FailbackSandbox;
import io.failback.demo.JobWatch;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.schemas.Acls.Principal;

/**
 * The sandbox the fault suite shares: one estate with a plan for every kill-anywhere run and for each of
 * the other fault tests (4 VMs in two boot groups each, on a master target of its own, so that one run's
 * leftovers can't touch another's), short step timeouts so that a hang outlasts one, a status watch and
 * a command tap. Started once; each test takes plans of its own.
 */
public final class FaultStage implements AutoCloseable {

    /** The orchestrator's vCenter step timeout here: a frozen vCenter is held for longer. */
    public static final Duration VCENTER_STEP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration AZURE_STEP_TIMEOUT = Duration.ofSeconds(60);
    /** The agents' own deadlines, below the orchestrator's step timeouts. */
    static final Duration VCENTER_OPERATION_TIMEOUT = Duration.ofSeconds(20);
    static final Duration AZURE_OPERATION_TIMEOUT = Duration.ofSeconds(45);

    public static final String HANG_PLAN = "plan-hang";
    public static final String STORM_PLAN = "plan-storm";
    public static final String AFTER_FUZZ_PLAN = "plan-afterfuzz";
    public static final String ANY_PARTITIONER_PLAN = "plan-crc";
    /** One VM whose rollback a frozen vCenter stops, resumed with failbackctl retry (issue 12 item 6). */
    public static final String STUCK_PLAN = "plan-stuck";
    /** A plan never failed back: its Azure VM is the target of {@link BrokerAclIT}'s rogue client, and must outlive it. */
    public static final String ROGUE_TARGET_PLAN = "plan-acl";
    /** Issue 15: the plan a rogue client tries to commit with forged and replayed records. */
    public static final String ROGUE_PLAN = "plan-rogue";

    private final FailbackSandbox sandbox;
    private final JobWatch watch;
    private final CommandTap tap;
    private final int chaosPlans;

    private FaultStage(FailbackSandbox sandbox, int chaosPlans) {
        this.sandbox = sandbox;
        this.chaosPlans = chaosPlans;
        this.watch = new JobWatch(sandbox.client(Principal.OPERATOR)).signedBy(sandbox.operators());
        this.tap = new CommandTap(sandbox.client(Principal.ADMIN));
    }

    /** The estate: {@code chaosPlans} kill-anywhere plans and one plan for each other fault test. */
    public static EstateSpec estate(int chaosPlans) {
        EstateSpec.Builder b = new EstateSpec.Builder();
        for (int i = 1; i <= chaosPlans; i++) {
            String planId = chaosPlan(i);
            b.plan(planId, "Chaos run " + i, 4, "mt-" + planId.substring("plan-".length()), 2);
        }
        for (String planId : new String[] {HANG_PLAN, STORM_PLAN, AFTER_FUZZ_PLAN, ANY_PARTITIONER_PLAN}) {
            b.plan(planId, planId, 4, "mt-" + planId.substring("plan-".length()), 2);
        }
        b.plan(STUCK_PLAN, STUCK_PLAN, 1, "mt-stuck", 1);
        b.plan(ROGUE_TARGET_PLAN, ROGUE_TARGET_PLAN, 1, "mt-acl", 1);
        b.plan(ROGUE_PLAN, ROGUE_PLAN, 2, "mt-rogue", 1);
        return b.build();
    }

    public static String chaosPlan(int run) {
        return String.format("plan-chaos%03d", run);
    }

    public static FaultStage start(Path work, int chaosPlans) {
        FailbackSandbox.Options options = FailbackSandbox.Options.demo(work, estate(chaosPlans))
                .withEnvironment(FailbackSandbox.ORCHESTRATOR, Map.of(
                        "FAILBACK_ORCHESTRATOR_VCENTER_STEP_TIMEOUT", VCENTER_STEP_TIMEOUT.toSeconds() + "s",
                        "FAILBACK_ORCHESTRATOR_AZURE_STEP_TIMEOUT", AZURE_STEP_TIMEOUT.toSeconds() + "s"))
                .withEnvironment(FailbackSandbox.VCENTER_AGENT, Map.of(
                        "FAILBACK_VCENTER_VCENTERS_0_OPERATION_TIMEOUT", VCENTER_OPERATION_TIMEOUT.toSeconds() + "s"))
                .withEnvironment(FailbackSandbox.AZURE_AGENT, Map.of(
                        "FAILBACK_AZURE_OPERATION_TIMEOUT", AZURE_OPERATION_TIMEOUT.toSeconds() + "s"));
        FailbackSandbox sandbox = FailbackSandbox.start(options, line -> System.out.println("fault sandbox: " + line));
        try {
            return new FaultStage(sandbox, chaosPlans);
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    public FailbackSandbox sandbox() {
        return sandbox;
    }

    public JobWatch watch() {
        return watch;
    }

    public CommandTap tap() {
        return tap;
    }

    public int chaosPlans() {
        return chaosPlans;
    }

    @Override
    public void close() {
        tap.close();
        watch.close();
        sandbox.close();
    }
}
