package io.failback.vcenter.vsphere;

import io.failback.messages.VcenterResultCode;

/**
 * A vCenter step that did not succeed, with the named result code the orchestrator decides on and
 * vCenter's own message (never a credential).
 */
public final class VcenterFailure extends RuntimeException {

    private final VcenterResultCode code;

    public VcenterFailure(VcenterResultCode code, String message) {
        this(code, message, null);
    }

    public VcenterFailure(VcenterResultCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public VcenterResultCode code() {
        return code;
    }
}
