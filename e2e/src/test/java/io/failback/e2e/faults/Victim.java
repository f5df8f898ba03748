package io.failback.e2e.faults;

import java.time.Duration;

import io.failback.demo.FailbackSandbox;

/** What a kill-anywhere run kills with SIGKILL and starts again: one of the three services, or the broker. */
public enum Victim {
    ORCHESTRATOR(FailbackSandbox.ORCHESTRATOR),
    VCENTER_AGENT(FailbackSandbox.VCENTER_AGENT),
    AZURE_AGENT(FailbackSandbox.AZURE_AGENT),
    BROKER("broker");

    private final String label;

    Victim(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public void kill(FailbackSandbox sandbox) {
        if (this == BROKER) {
            sandbox.kafka().kill();
        } else {
            sandbox.kill(label);
        }
    }

    /** Starts it again on the same data (the broker on its data directory and port) and waits until it is up. */
    public void restart(FailbackSandbox sandbox) {
        if (this == BROKER) {
            sandbox.kafka().start(Duration.ofMinutes(2));
        } else {
            sandbox.restart(label);
        }
    }
}
