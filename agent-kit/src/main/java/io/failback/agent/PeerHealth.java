package io.failback.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.failback.schemas.LogSafe;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A readiness check of an agent's peer (a vCenter, ARM), run when a probe asks and its last answer is older than
 * {@code reuseFor}, on a thread of its own: a peer that hangs makes the probe answer DOWN once the check has run
 * longer than {@code patience}, instead of hanging the probe. Nothing is asked of the peer while nobody probes.
 */
public final class PeerHealth implements HealthIndicator, DisposableBean {

    /** One check: returns details to show when the peer answered, throws with the reason when it did not. */
    @FunctionalInterface
    public interface Check {
        Map<String, Object> run() throws Exception;
    }

    /** The longest a probe waits for a check before answering with what it knows. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(3);

    private final Check check;
    private final long reuseForNanos;
    private final Duration patience;
    private final ExecutorService thread;
    private Health last;
    private long lastAt;
    private Future<Health> running;
    private long runningSince;

    public PeerHealth(String name, Check check, Duration reuseFor, Duration patience) {
        this.check = check;
        this.reuseForNanos = reuseFor.toNanos();
        this.patience = patience;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "health-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized Health health() {
        long now = System.nanoTime();
        if (running == null && (last == null || now - lastAt >= reuseForNanos)) {
            runningSince = now;
            running = thread.submit(this::runCheck);
        }
        if (running != null) {
            try {
                last = running.get(Math.min(patience.toMillis(), MAX_WAIT.toMillis()), TimeUnit.MILLISECONDS);
                lastAt = System.nanoTime();
                running = null;
            } catch (TimeoutException e) {
                long waited = System.nanoTime() - runningSince;
                if (waited > patience.toNanos() || last == null) {
                    return Health.down().withDetail("error", "no answer for " + TimeUnit.NANOSECONDS.toSeconds(waited) + "s").build();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down().withDetail("error", "interrupted").build();
            } catch (ExecutionException e) {
                running = null;
                return Health.down().withDetail("error", String.valueOf(e.getCause())).build();
            }
        }
        return last;
    }

    private Health runCheck() {
        try {
            return Health.up().withDetails(check.run()).build();
        } catch (Exception e) {
            return Health.down().withDetail("error", LogSafe.of(e.getClass().getSimpleName() + ": " + e.getMessage(), 300)).build();
        }
    }

    @Override
    public void destroy() {
        thread.shutdownNow();
    }
}
