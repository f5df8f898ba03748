package io.failback.azure.arm;

/**
 * A delete refused before anything changed: the command keeps the VM's disks or network interfaces,
 * but ARM would delete them together with the VM. Named CONFLICT, with the resources in the message.
 */
public final class KeptResourceWouldBeDeletedException extends RuntimeException {

    public KeptResourceWouldBeDeletedException(String message) {
        super(message);
    }
}
