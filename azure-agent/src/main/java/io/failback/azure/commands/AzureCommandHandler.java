package io.failback.azure.commands;

import java.time.Clock;

import io.failback.agent.CommandHandler;
import io.failback.azure.arm.ArmFailures;
import io.failback.azure.arm.AzureVmOperations;
import io.failback.azure.arm.VmRef;
import io.failback.azure.arm.VmState;
import io.failback.messages.AzureCommand;
import io.failback.messages.AzureResult;
import io.failback.messages.AzureResultCode;
import io.failback.messages.AzureVmState;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.StartAzureVm;
import io.failback.schemas.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Azure agent's part of the agent skeleton: carries out one Azure command and answers it. The result
 * keeps the command's ids, and every failure becomes a named result code with ARM's code and message, never
 * an exception. A delete removes disks and network interfaces only when both the command and the agent's
 * configuration say so.
 */
public class AzureCommandHandler implements CommandHandler<AzureCommand, AzureResult> {

    private static final Logger log = LoggerFactory.getLogger(AzureCommandHandler.class);

    private final AzureVmOperations operations;
    private final boolean deleteDisksAllowed;
    private final boolean deleteNetworkInterfacesAllowed;
    private final Clock clock;

    public AzureCommandHandler(AzureVmOperations operations, boolean deleteDisksAllowed, boolean deleteNetworkInterfacesAllowed,
                               Clock clock) {
        this.operations = operations;
        this.deleteDisksAllowed = deleteDisksAllowed;
        this.deleteNetworkInterfacesAllowed = deleteNetworkInterfacesAllowed;
        this.clock = clock;
    }

    @Override
    public AzureResult handle(AzureCommand command) {
        Object operation = command.getOperation();
        try {
            VmState state = run(operation);
            log.info("command {} of job {}: {} -> OK {}", LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()),
                    operation.getClass().getSimpleName(), LogSafe.of(state, 1000));
            return result(command, AzureResultCode.OK, "", "", new AzureVmState(state.exists(), state.resourceGroup(),
                    state.powerState(), state.managedDiskIds(), state.networkInterfaceIds()));
        } catch (RuntimeException e) {
            ArmFailures.Failure failure = ArmFailures.of(e);
            log.warn("command {} of job {}: {} -> {} {} {}", LogSafe.of(command.getCommandId()), LogSafe.of(command.getJobId()),
                    operation == null ? "no operation" : operation.getClass().getSimpleName(), failure.code(), LogSafe.of(failure.armCode()),
                    LogSafe.of(failure.message(), 1000));
            return result(command, failure.code(), failure.armCode(), failure.message(), null);
        }
    }

    private VmState run(Object operation) {
        if (operation instanceof ReadAzureVm read) {
            return operations.read(VmRef.parse(read.getResourceId()));
        }
        if (operation instanceof ShutdownAzureVm shutdown) {
            return operations.shutdown(VmRef.parse(shutdown.getResourceId()));
        }
        if (operation instanceof StartAzureVm start) {
            return operations.start(VmRef.parse(start.getResourceId()));
        }
        if (operation instanceof DeleteAzureVm delete) {
            return operations.delete(VmRef.parse(delete.getResourceId()), delete.getDeleteDisks() && deleteDisksAllowed,
                    delete.getDeleteNetworkInterfaces() && deleteNetworkInterfacesAllowed,
                    new AzureVmOperations.Resources(delete.getManagedDiskIds(), delete.getNetworkInterfaceIds()));
        }
        throw new IllegalArgumentException("unknown Azure operation " + (operation == null ? "null" : operation.getClass().getName()));
    }

    private AzureResult result(AzureCommand command, AzureResultCode code, String armCode, String message, AzureVmState outcome) {
        return AzureResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setJobId(command.getJobId())
                .setVmId(command.getVmId())
                .setCode(code)
                .setArmCode(armCode)
                .setMessage(message)
                .setCompletedAt(clock.instant())
                .setOutcome(outcome)
                .build();
    }
}
