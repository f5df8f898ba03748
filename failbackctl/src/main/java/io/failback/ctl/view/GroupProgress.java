package io.failback.ctl.view;

/** One plan group's progress: how many of its VMs are done, failed or still moving. */
public record GroupProgress(int group, int total, int done, int failed) {

    public int active() {
        return total - done - failed;
    }

    public boolean finished() {
        return active() == 0;
    }
}
