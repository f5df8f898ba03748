package io.failback.sandbox.arm;

import java.util.Locale;

/** A VM's power state as its instance view reports it ({@code PowerState/deallocated} and so on). */
public enum ArmPowerState {
    STARTING("VM starting"),
    RUNNING("VM running"),
    STOPPING("VM stopping"),
    STOPPED("VM stopped"),
    DEALLOCATING("VM deallocating"),
    DEALLOCATED("VM deallocated");

    private final String displayStatus;

    ArmPowerState(String displayStatus) {
        this.displayStatus = displayStatus;
    }

    /** The instance-view status code, e.g. {@code PowerState/running}. */
    public String code() {
        return "PowerState/" + name().toLowerCase(Locale.ROOT);
    }

    public String displayStatus() {
        return displayStatus;
    }
}
