package io.failback.orchestrator.saga;

import io.failback.messages.ReasonCode;

/** Why a VM or job was refused or failed: a code for scripts and a message for the operator. */
public record Reason(ReasonCode code, String message) {

    static Reason of(io.failback.messages.Reason message) {
        return new Reason(message.getCode(), message.getMessage());
    }

    io.failback.messages.Reason toMessage() {
        return new io.failback.messages.Reason(code, message);
    }
}
