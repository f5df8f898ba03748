package io.failback.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.schemas.Acls.Principal;
import io.failback.sandbox.estate.VmSpec;

/**
 * The README's demo: starts the sandbox (broker, vCenter simulator, ARM emulator, replication simulator,
 * the three services as processes), then drives a failback the way an operator would, with failbackctl:
 * a plan that fails preflight is refused with its reasons; the 24-VM plan fails back group by group with
 * live progress, is committed and reprotected. Finally the end state is checked through the vSphere API and
 * the emulator. Exits 0 only when every VM is verified.
 */
public final class Demo {

    private static final String TOOLS_POLICY = "upgradeAtPowerCycle";

    private final FailbackSandbox sandbox;
    private final Path ctl;
    /** The failbackctl run in progress, stopped with everything else on Ctrl-C. */
    private static volatile Process current;

    private Demo(FailbackSandbox sandbox) {
        this.sandbox = sandbox;
        this.ctl = sandbox.repo().resolve("failbackctl").resolve("failbackctl");
    }

    public static void main(String[] args) throws Exception {
        io.failback.schemas.TrustedMessages.ensureTrusted();
        long started = System.nanoTime();
        Path work = Path.of(args.length > 0 ? args[0] : "target/demo").toAbsolutePath();
        EstateSpec estate = EstateSpec.demo(24);
        say("estate: plan-orders, %d VMs (%d Windows, %d Linux) in %d boot groups on master targets mt-01 (Linux) and mt-01-win (Windows); "
                        + "replication group orders-rg of 3 VMs; %s has no app-consistent point; plan-blocked on mt-02 (it has a snapshot)",
                estate.members("plan-orders").size(), estate.members("plan-orders").stream().filter(VmSpec::windows).count(),
                estate.members("plan-orders").stream().filter(v -> !v.windows()).count(), estate.groupCount("plan-orders"),
                estate.members("plan-orders").stream().filter(v -> !v.appConsistent()).map(VmSpec::vmId).findFirst().orElse("-"));
        FailbackSandbox sandbox = FailbackSandbox.start(FailbackSandbox.Options.demo(work, estate), line -> say("%s", line));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process p = current;
            if (p != null) {
                p.destroyForcibly();
            }
            sandbox.close();
        }, "demo-stop"));
        say("dashboard: %s (open it in a browser to follow the jobs below)", sandbox.startDashboard());
        int exit;
        try {
            exit = new Demo(sandbox).run();
        } catch (RuntimeException e) {
            say("FAILED: %s (logs in %s)", e.getMessage(), work.resolve("logs"));
            exit = 1;
        }
        say("%s in %d s; logs in %s", exit == 0 ? "demo verified" : "demo FAILED", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                work.resolve("logs"));
        sandbox.close();
        System.exit(exit);
    }

    private int run() throws Exception {
        EstateSpec estate = sandbox.estate();
        List<VmSpec> plan = estate.members("plan-orders");
        Map<String, ArmEmulator.VmView> azureBefore = new HashMap<>();
        for (VmSpec vm : plan) {
            azureBefore.put(vm.vmId(), sandbox.arm().vm(estate.azureVmId(vm)).orElseThrow());
        }

        say("1. a plan that can't fail back: refused before anything changes, every VM with its reasons");
        expect(5, "submit", "--plan", "plan-blocked", "--request-id", "demo-blocked", "--watch", "--plain");
        expect(0, "show", "demo-blocked");

        say("2. fail back plan-orders (latest crash-consistent points, manual commit, reprotect through ps-01)");
        expect(0, "submit", "--plan", "plan-orders", "--request-id", "demo-orders", "--reprotect", "--process-server", "ps-01",
                "--watch", "--plain", "--timeout", "3m");

        say("3. commit: delete the Azure VMs, then reprotect (retried until each on-premises agent registers)");
        expect(0, "commit", "demo-orders");
        expect(0, "watch", "demo-orders", "--until-done", "--plain", "--timeout", "3m");
        expect(0, "show", "demo-orders");
        expect(0, "jobs");

        say("   recovery points applied by the replication engine before the disks were detached:");
        for (VmSpec vm : plan) {
            io.failback.messages.RecoveryPoint p = sandbox.replication().appliedPoint(vm.vmId());
            say("   %-16s %s", vm.vmId(), p == null ? "none" : p.getPointId() + " " + p.getConsistency() + " at " + p.getTime()
                    + (p.getConsistencyId() == null ? "" : " (replication group point " + p.getConsistencyId() + ")"));
        }

        say("4. verify the end state in the vCenter simulator (vSphere API) and the ARM emulator");
        List<String> problems = verify(estate, plan, azureBefore);
        if (!problems.isEmpty()) {
            problems.forEach(p -> say("   NOT VERIFIED: %s", p));
            return 1;
        }
        say("   verified %d VMs: on-premises VM on with its %d replica disks, at their original SCSI units, none left on the master targets, Tools set on %d Windows VMs,"
                + " Azure VMs, disks and network interfaces deleted", plan.size(), plan.get(0).replicaDisks().size(),
                plan.stream().filter(VmSpec::windows).count());
        return 0;
    }

    private List<String> verify(EstateSpec estate, List<VmSpec> plan, Map<String, ArmEmulator.VmView> azureBefore) {
        List<String> problems = new ArrayList<>();
        Vsphere vsphere = sandbox.vsphere();
        for (VmSpec vm : plan) {
            Vsphere.VmFacts onPrem = vsphere.vm(vm.onPremisesVm());
            if (!"poweredOn".equals(onPrem.powerState())) {
                problems.add(vm.onPremisesVm() + " is " + onPrem.powerState());
            }
            if (!onPrem.diskFiles().containsAll(vm.replicaDisks())) {
                problems.add(vm.onPremisesVm() + " has disks " + onPrem.diskFiles() + ", expected " + vm.replicaDisks());
            }
            List<String> original = vm.originalLayout().stream().map(p -> p.getDisk() + " at SCSI " + p.getBusNumber() + ":"
                    + p.getUnitNumber()).toList();
            if (!onPrem.diskPlaces().containsAll(original)) {
                problems.add(vm.onPremisesVm() + " has its disks at " + onPrem.diskPlaces() + ", not at their original places " + original);
            }
            if (vm.windows() && !TOOLS_POLICY.equals(onPrem.toolsUpgradePolicy())) {
                problems.add(vm.onPremisesVm() + " Tools upgrade policy is " + onPrem.toolsUpgradePolicy());
            }
            if (sandbox.replication().appliedPoint(vm.vmId()) == null) {
                problems.add(vm.vmId() + ": the replication engine applied no recovery point");
            }
            if (sandbox.arm().vm(estate.azureVmId(vm)).isPresent()) {
                problems.add("Azure VM " + vm.azureVmName() + " still exists");
            }
            ArmEmulator.VmView before = azureBefore.get(vm.vmId());
            before.disks().stream().filter(sandbox.arm()::diskExists).forEach(d -> problems.add("Azure disk " + d + " still exists"));
            before.networkInterfaces().stream().filter(sandbox.arm()::networkInterfaceExists)
                    .forEach(n -> problems.add("network interface " + n + " still exists"));
        }
        for (String masterTarget : List.of("mt-01", EstateSpec.Builder.windowsMasterTarget("mt-01"))) {
            List<String> left = vsphere.vm(masterTarget).diskFiles();
            if (!left.isEmpty()) {
                problems.add("master target " + masterTarget + " still holds " + left);
            }
        }
        return problems;
    }

    /** Runs failbackctl with its output on this terminal and checks its exit code. */
    private void expect(int exitCode, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ctl.toString());
        cmd.addAll(List.of(args));
        System.out.println("$ failbackctl " + String.join(" ", args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("FAILBACK_BOOTSTRAP_SERVERS", sandbox.bootstrapServers());
        // the operator's certificate and the broker's authority: failbackctl connects as User:operator
        pb.environment().put("FAILBACK_KAFKA_CONFIG", sandbox.clientConfigFile(Principal.OPERATOR).toString());
        pb.environment().put("USER", "ops-demo");
        pb.environment().putAll(sandbox.operators().ctlEnvironment(SandboxOperators.signerOf(args[0])));
        Process p = pb.start();
        current = p;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            Optional<String> ended = sandbox.endedService();
            if (ended.isPresent() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("failbackctl " + String.join(" ", args) + " stopped: "
                        + ended.orElse("it did not finish within 5 minutes"));
            }
        }
        current = null;
        if (p.exitValue() != exitCode) {
            throw new IllegalStateException("failbackctl " + String.join(" ", args) + " exited " + p.exitValue() + ", expected " + exitCode);
        }
    }

    private static void say(String format, Object... args) {
        System.out.println("== " + String.format(format, args));
        System.out.flush();
    }
}
