package io.failback.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.failback.schemas.LogSafe;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A readiness check of an agent's peer (a vCenter, ARM) run on its own thread every {@code interval}, never on
 * the probe's: a peer that hangs makes the probe answer DOWN at once instead of hanging it. UP only while the
 * last check passed and no check has been running longer than {@code patience}.
 */
public final class PeriodicHealth implements HealthIndicator, DisposableBean {

    /** One check: returns details to show when the peer answered, throws with the reason when it did not. */
    @FunctionalInterface
    public interface Check {
        Map<String, Object> run() throws Exception;
    }

    private final Check check;
    private final Duration patience;
    private final ScheduledExecutorService thread;
    private volatile Health last = Health.down().withDetail("check", "not run yet").build();
    private volatile long runningSince;

    public PeriodicHealth(String name, Check check, Duration interval, Duration patience) {
        this.check = check;
        this.patience = patience;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "health-" + name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        runningSince = System.nanoTime();
        try {
            last = Health.up().withDetails(check.run()).build();
        } catch (Exception e) {
            last = Health.down().withDetail("error", LogSafe.of(e.getClass().getSimpleName() + ": " + e.getMessage(), 300)).build();
        } finally {
            runningSince = 0;
        }
    }

    @Override
    public Health health() {
        long since = runningSince;
        if (since != 0 && System.nanoTime() - since > patience.toNanos()) {
            return Health.down().withDetail("error", "no answer for " + Duration.ofNanos(System.nanoTime() - since).toSeconds() + "s").build();
        }
        return last;
    }

    @Override
    public void destroy() {
        thread.shutdownNow();
    }
}
