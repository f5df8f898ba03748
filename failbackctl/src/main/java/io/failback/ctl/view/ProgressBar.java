package io.failback.ctl.view;

/** A fixed-width text progress bar for one plan group: done VMs as '#', failed as 'x', the rest as '.'. */
public final class ProgressBar {

    public static final int WIDTH = 20;

    private ProgressBar() {
    }

    /** "group 2  [########xx..........]  4/10 done  1 failed". */
    public static String render(GroupProgress g) {
        int doneCells = cells(g.done(), g.total());
        int failedCells = Math.min(WIDTH - doneCells, cells(g.done() + g.failed(), g.total()) - doneCells);
        StringBuilder b = new StringBuilder("group ").append(g.group()).append("  [");
        b.append("#".repeat(doneCells)).append("x".repeat(failedCells)).append(".".repeat(WIDTH - doneCells - failedCells));
        b.append("]  ").append(g.done()).append('/').append(g.total()).append(" done");
        if (g.failed() > 0) {
            b.append("  ").append(g.failed()).append(" failed");
        }
        return b.toString();
    }

    private static int cells(int count, int total) {
        return total == 0 ? 0 : (int) Math.floor((double) count * WIDTH / total);
    }
}
