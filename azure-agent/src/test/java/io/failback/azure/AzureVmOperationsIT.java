package io.failback.azure;

import java.time.Duration;
import java.util.List;

import io.failback.azure.commands.AzureCommandHandler;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzurePowerState;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.StartAzureVm;
import io.failback.sandbox.arm.ArmEmulator;
import io.failback.sandbox.arm.ArmId;
import io.failback.sandbox.arm.VmSpec;
import io.failback.sandbox.arm.ArmPowerState;
import io.failback.sandbox.arm.LoggedCall;
import io.failback.sandbox.arm.OperationKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.failback.azure.AgentFixtures.command;
import static io.failback.azure.AgentFixtures.seedVm;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's Azure steps through the real Azure SDK (JDK HTTP client, static token, the emulator's
 * truststore) against the ARM emulator over HTTPS: effects read back from the emulator, idempotent
 * repeats counted in its operation log, throttling, server errors, failed operations and latency.
 */
class AzureVmOperationsIT {

    private static ArmEmulator emulator;
    private static AzureCommandHandler agent;

    @BeforeAll
    static void start() throws Exception {
        emulator = AgentFixtures.startEmulator();
        agent = AgentFixtures.handler(AgentFixtures.properties(emulator, AgentFixtures.TOKEN, 3, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void clearFaults() {
        emulator.faults().clear().operationDuration(Duration.ofMillis(150)).pollRetryAfter(Duration.ZERO);
    }

    private static AzureResult run(Object operation) {
        AzureCommand command = command(operation);
        AzureResult result = agent.handle(command);
        assertThat(result.getCommandId()).isEqualTo(command.getCommandId());
        assertThat(result.getJobId()).isEqualTo(command.getJobId());
        assertThat(result.getVmId()).isEqualTo(command.getVmId());
        return result;
    }

    private static int mutations() {
        return emulator.operationLog().mutations().size();
    }

    private static List<OperationKind> mutationKinds(int from) {
        List<LoggedCall> all = emulator.operationLog().mutations();
        return all.subList(from, all.size()).stream().map(LoggedCall::kind).toList();
    }

    @Test
    void shouldReadAVmsExistenceResourceGroupAndPowerState() {
        String vm = seedVm(emulator, ArmPowerState.STOPPED);
        int before = mutations();

        AzureResult result = run(new ReadAzureVm(vm));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(result.getOutcome().getExists()).isTrue();
        assertThat(result.getOutcome().getResourceGroup()).isEqualTo(AgentFixtures.RESOURCE_GROUP);
        assertThat(result.getOutcome().getPowerState()).isEqualTo(AzurePowerState.STOPPED);
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();
        assertThat(result.getOutcome().getManagedDiskIds()).hasSize(3).containsExactlyInAnyOrderElementsOf(seeded.disks());
        assertThat(result.getOutcome().getNetworkInterfaceIds()).containsExactlyElementsOf(seeded.networkInterfaces());
        assertThat(mutations()).isEqualTo(before);
    }

    @Test
    void shouldReadAMissingVmAsGoneAndAMovedVmInItsNewResourceGroup() {
        String moved = seedVm(emulator, ArmPowerState.RUNNING);
        emulator.moveVm(moved, "moved-rg");

        AzureResult gone = run(new ReadAzureVm(moved.replace("/vm-", "/no-such-vm-")));
        AzureResult found = run(new ReadAzureVm(moved));

        assertThat(gone.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(gone.getOutcome().getExists()).isFalse();
        assertThat(found.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(found.getOutcome().getExists()).isTrue();
        assertThat(found.getOutcome().getResourceGroup()).isEqualTo("moved-rg");
    }

    @Test
    void shouldShutDownByPoweringOffThenDeallocatingAndChangeNothingWhenRepeated() {
        String vm = seedVm(emulator, ArmPowerState.RUNNING);
        int before = mutations();

        AzureResult first = run(new ShutdownAzureVm(vm));

        assertThat(first.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(first.getOutcome().getPowerState()).isEqualTo(AzurePowerState.DEALLOCATED);
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(mutationKinds(before)).containsExactly(OperationKind.POWER_OFF_VM, OperationKind.DEALLOCATE_VM);

        int afterFirst = mutations();
        AzureResult repeated = run(new ShutdownAzureVm(vm));

        assertThat(repeated.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(repeated.getOutcome().getPowerState()).isEqualTo(AzurePowerState.DEALLOCATED);
        assertThat(mutations()).isEqualTo(afterFirst);
    }

    @Test
    void shouldOnlyDeallocateAVmThatIsAlreadyStopped() {
        String vm = seedVm(emulator, ArmPowerState.STOPPED);
        int before = mutations();

        assertThat(run(new ShutdownAzureVm(vm)).getCode()).isEqualTo(AzureResultCode.OK);

        assertThat(mutationKinds(before)).containsExactly(OperationKind.DEALLOCATE_VM);
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
    }

    @Test
    void shouldStartADeallocatedVmAndChangeNothingWhenRepeated() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        int before = mutations();

        AzureResult first = run(new StartAzureVm(vm));

        assertThat(first.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(first.getOutcome().getPowerState()).isEqualTo(AzurePowerState.RUNNING);
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.RUNNING);
        assertThat(mutationKinds(before)).containsExactly(OperationKind.START_VM);

        int afterFirst = mutations();
        assertThat(run(new StartAzureVm(vm)).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(mutations()).isEqualTo(afterFirst);
    }

    @Test
    void shouldDeleteTheVmThenItsDisksAndInterfacesAndChangeNothingWhenRepeated() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();
        int before = mutations();

        AzureResult first = run(delete(vm, true, true));

        assertThat(first.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(first.getOutcome().getExists()).isFalse();
        assertThat(emulator.vm(vm)).isEmpty();
        assertThat(seeded.disks()).hasSize(3).noneMatch(emulator::diskExists);
        assertThat(seeded.networkInterfaces()).hasSize(1).noneMatch(emulator::networkInterfaceExists);
        assertThat(mutationKinds(before)).containsExactly(OperationKind.DELETE_VM, OperationKind.DELETE_DISK,
                OperationKind.DELETE_DISK, OperationKind.DELETE_DISK, OperationKind.DELETE_NETWORK_INTERFACE);

        int afterFirst = mutations();
        AzureResult repeated = run(delete(vm, true, true));

        assertThat(repeated.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(repeated.getOutcome().getExists()).isFalse();
        assertThat(mutations()).isEqualTo(afterFirst);
    }

    @Test
    void shouldFinishADeleteInterruptedAfterTheVmWentFromTheResourcesTheCommandNames() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();
        String otherVm = seedVm(emulator, ArmPowerState.RUNNING);
        String diskOfOtherVm = emulator.vm(otherVm).orElseThrow().disks().get(1);
        // the state an agent killed between deleting the VM and deleting its disks leaves behind
        assertThat(run(delete(vm, false, false)).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(seeded.disks()).allMatch(emulator::diskExists);
        int before = mutations();

        List<String> known = new java.util.ArrayList<>(seeded.disks());
        known.add(diskOfOtherVm);
        AzureResult resent = run(new DeleteAzureVm(vm, true, true, known, seeded.networkInterfaces()));

        assertThat(resent.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(resent.getOutcome().getExists()).isFalse();
        assertThat(seeded.disks()).noneMatch(emulator::diskExists);
        assertThat(seeded.networkInterfaces()).noneMatch(emulator::networkInterfaceExists);
        assertThat(emulator.diskExists(diskOfOtherVm)).as("a disk now attached to another VM is left alone").isTrue();
        assertThat(mutationKinds(before)).containsExactly(OperationKind.DELETE_DISK, OperationKind.DELETE_DISK,
                OperationKind.DELETE_DISK, OperationKind.DELETE_NETWORK_INTERFACE);
    }

    @Test
    void shouldRefuseToDeleteAResourceOfAnotherSubscriptionOrType() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();
        assertThat(run(delete(vm, false, false)).getCode()).isEqualTo(AzureResultCode.OK);

        String foreignDisk = seeded.disks().get(0).replaceFirst("/subscriptions/[^/]+/", "/subscriptions/other-subscription/");
        AzureResult foreign = run(new DeleteAzureVm(vm, true, true, List.of(foreignDisk), List.of()));
        AzureResult wrongType = run(new DeleteAzureVm(vm, true, true, seeded.networkInterfaces(), List.of()));

        assertThat(foreign.getCode()).isEqualTo(AzureResultCode.INVALID_COMMAND);
        assertThat(foreign.getMessage()).contains("other-subscription");
        assertThat(wrongType.getCode()).isEqualTo(AzureResultCode.INVALID_COMMAND);
        assertThat(seeded.disks()).allMatch(emulator::diskExists);
        assertThat(seeded.networkInterfaces()).allMatch(emulator::networkInterfaceExists);
    }

    private static DeleteAzureVm delete(String vm, boolean disks, boolean nics) {
        return new DeleteAzureVm(vm, disks, nics, List.of(), List.of());
    }

    @Test
    void shouldRefuseADeleteThatKeepsDisksWhenArmWouldDeleteThemWithTheVm() {
        String vm = ArmId.virtualMachine(AgentFixtures.SUBSCRIPTION, AgentFixtures.RESOURCE_GROUP, "vm-delete-with-vm").toString();
        emulator.seed(VmSpec.of(vm).powerState(ArmPowerState.DEALLOCATED).deleteWithVm(true));
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();
        int before = mutations();

        AzureResult keepDisks = run(delete(vm, false, true));
        AzureResult keepNics = run(delete(vm, true, false));

        assertThat(keepDisks.getCode()).isEqualTo(AzureResultCode.CONFLICT);
        assertThat(keepDisks.getMessage()).contains("deleteOption Delete").contains(seeded.disks().get(0));
        assertThat(keepNics.getCode()).isEqualTo(AzureResultCode.CONFLICT);
        assertThat(keepNics.getMessage()).contains(seeded.networkInterfaces().get(0));
        assertThat(mutations()).as("nothing deleted").isEqualTo(before);
        assertThat(emulator.vm(vm)).isPresent();

        assertThat(run(delete(vm, true, true)).getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(seeded.disks()).noneMatch(emulator::diskExists);
        assertThat(seeded.networkInterfaces()).noneMatch(emulator::networkInterfaceExists);
    }

    @Test
    void shouldKeepTheDisksAndInterfacesWhenTheCommandAsksToKeepThem() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        ArmEmulator.VmView seeded = emulator.vm(vm).orElseThrow();

        assertThat(run(delete(vm, false, false)).getCode()).isEqualTo(AzureResultCode.OK);

        assertThat(emulator.vm(vm)).isEmpty();
        assertThat(seeded.disks()).allMatch(emulator::diskExists);
        assertThat(seeded.networkInterfaces()).allMatch(emulator::networkInterfaceExists);
    }

    @Test
    void shouldAnswerNotFoundWithArmsCodeWhenAShutdownFindsNoVm() {
        AzureResult result = run(new ShutdownAzureVm(AgentFixtures.seedVm(emulator, ArmPowerState.RUNNING).replace("/vm-", "/gone-")));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.NOT_FOUND);
        assertThat(result.getArmCode()).isEqualTo("ResourceNotFound");
        assertThat(result.getMessage()).contains("was not found");
        assertThat(result.getOutcome()).isNull();
    }

    @Test
    void shouldEndAStormOf429sInSuccessAfterWaitingWhatRetryAfterSays() {
        String vm = seedVm(emulator, ArmPowerState.RUNNING);
        emulator.faults().throttleNext(3, Duration.ofSeconds(1), OperationKind.POWER_OFF_VM);
        long throttledBefore = emulator.operationLog().countStatus(429);
        long started = System.nanoTime();

        AzureResult result = run(new ShutdownAzureVm(vm));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.getCode()).isEqualTo(AzureResultCode.OK);
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
        assertThat(emulator.operationLog().countStatus(429) - throttledBefore).isEqualTo(3);
        // three Retry-After: 1 waits, where the SDK's own back-off (100 ms base) would have waited far less
        assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(15));
    }

    @Test
    void shouldPollAnOperationAsOftenAsArmsRetryAfterSays() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        emulator.faults().pollRetryAfter(Duration.ofSeconds(1));
        long polledBefore = emulator.operationLog().count(OperationKind.GET_OPERATION_STATUS);
        long started = System.nanoTime();

        AzureResult result = run(new StartAzureVm(vm));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.OK);
        // the operation takes 150 ms, but ARM asked for 1 s between polls (the agent's own interval is 50 ms)
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(emulator.operationLog().count(OperationKind.GET_OPERATION_STATUS) - polledBefore).isEqualTo(1);
    }

    @Test
    void shouldRetry500sThenNameTheFailureWithArmsCode() {
        String vm = seedVm(emulator, ArmPowerState.STOPPED);
        emulator.faults().failNext(100, OperationKind.DEALLOCATE_VM);
        long deallocatesBefore = emulator.operationLog().count(OperationKind.DEALLOCATE_VM);

        AzureResult result = run(new ShutdownAzureVm(vm));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.SERVER_ERROR);
        assertThat(result.getArmCode()).isEqualTo("InternalServerError");
        assertThat(result.getMessage()).isNotBlank();
        assertThat(emulator.operationLog().count(OperationKind.DEALLOCATE_VM) - deallocatesBefore)
                .as("the first try and max-retries (3) retries").isEqualTo(4);
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.STOPPED);
    }

    @Test
    void shouldNameAnOperationThatEndsFailedByArmsCode() {
        String vm = seedVm(emulator, ArmPowerState.DEALLOCATED);
        emulator.faults().failOperationsNext(1, OperationKind.START_VM);

        AzureResult result = run(new StartAzureVm(vm));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.FAILED);
        assertThat(result.getArmCode()).isEqualTo("InternalExecutionError");
        assertThat(emulator.vm(vm).orElseThrow().powerState()).isEqualTo(ArmPowerState.DEALLOCATED);
    }

    @Test
    void shouldAnswerConflictWhenArmRefusesTheOperation() {
        String vm = seedVm(emulator, ArmPowerState.RUNNING);
        emulator.faults().answerNext(1, 409, "OperationNotAllowed", "Operation 'powerOff' is not allowed on VM since the VM is"
                + " marked for deletion.", OperationKind.POWER_OFF_VM);

        AzureResult result = run(new ShutdownAzureVm(vm));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.CONFLICT);
        assertThat(result.getArmCode()).isEqualTo("OperationNotAllowed");
        assertThat(result.getMessage()).contains("not allowed");
    }

    @Test
    void shouldAnswerAuthenticationFailedWithoutShowingTheToken() {
        String vm = seedVm(emulator, ArmPowerState.RUNNING);
        AzureCommandHandler wrongToken = AgentFixtures.handler(
                AgentFixtures.properties(emulator, "not-the-emulators-token", 0, Duration.ofSeconds(10)));

        AzureResult result = wrongToken.handle(command(new ReadAzureVm(vm)));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.AUTHENTICATION_FAILED);
        assertThat(result.getArmCode()).isEqualTo("InvalidAuthenticationToken");
        assertThat(result.toString()).doesNotContain("not-the-emulators-token").doesNotContain(AgentFixtures.TOKEN);
    }

    @Test
    void shouldRefuseAResourceIdOutsideItsSubscriptionOrNotAVm() {
        String otherSubscription = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers"
                + "/Microsoft.Compute/virtualMachines/web01";
        String disk = "/subscriptions/" + AgentFixtures.SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Compute/disks/d1";
        int before = mutations();

        assertThat(run(new ShutdownAzureVm(otherSubscription)).getCode()).isEqualTo(AzureResultCode.INVALID_COMMAND);
        assertThat(run(delete(disk, true, true)).getCode()).isEqualTo(AzureResultCode.INVALID_COMMAND);
        assertThat(run(new ReadAzureVm("web01")).getCode()).isEqualTo(AzureResultCode.INVALID_COMMAND);
        assertThat(mutations()).isEqualTo(before);
    }

    @Test
    void shouldAnswerTimeoutWhenAnOperationOutlastsTheOperationTimeout() {
        String vm = seedVm(emulator, ArmPowerState.STOPPED);
        emulator.faults().operationDuration(Duration.ofSeconds(4), OperationKind.DEALLOCATE_VM);
        AzureCommandHandler impatient = AgentFixtures.handler(AgentFixtures.properties(emulator, AgentFixtures.TOKEN, 0,
                Duration.ofSeconds(1)));

        AzureResult result = impatient.handle(command(new ShutdownAzureVm(vm)));

        assertThat(result.getCode()).isEqualTo(AzureResultCode.TIMEOUT);
        assertThat(result.getMessage()).contains("did not finish within");
    }

    @Test
    void shouldGiveTheSameResultsAndMutationsUnderInjectedLatency() {
        List<Object> plain = scenario(seedVm(emulator, ArmPowerState.RUNNING));
        emulator.faults().latency(Duration.ofMillis(150));
        long started = System.nanoTime();
        List<Object> slow = scenario(seedVm(emulator, ArmPowerState.RUNNING));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(1));
        assertThat(slow).isEqualTo(plain);
    }

    /** Shutdown, read, start, delete: each step's code, power state and the mutations it caused. */
    private static List<Object> scenario(String vm) {
        java.util.ArrayList<Object> seen = new java.util.ArrayList<>();
        for (Object operation : List.of(new ShutdownAzureVm(vm), new ReadAzureVm(vm), new StartAzureVm(vm),
                new ShutdownAzureVm(vm), delete(vm, true, true), delete(vm, true, true))) {
            int before = mutations();
            AzureResult result = run(operation);
            seen.add(List.of(operation.getClass().getSimpleName(), result.getCode(),
                    result.getOutcome() == null ? "none" : result.getOutcome().getPowerState() + "/" + result.getOutcome().getExists(),
                    mutationKinds(before)));
        }
        return seen;
    }
}
