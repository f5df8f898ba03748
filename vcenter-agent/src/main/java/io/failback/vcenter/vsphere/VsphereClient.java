package io.failback.vcenter.vsphere;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocketFactory;

import io.failback.messages.VcenterResultCode;
import io.failback.vcenter.VcenterProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to one vCenter: one session, reused by every operation and opened again when
 * vCenter says it is gone; at most {@code maxConcurrentOperations} operations at a time (the rest
 * wait in line); each operation, waiting included, answered within {@code operationTimeout}.
 */
public final class VsphereClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VsphereClient.class);

    /** One piece of work against the session; may throw whatever yavijava throws. */
    @FunctionalInterface
    interface Call<T> {
        T call(VimSession session) throws Exception;
    }

    private final VcenterProperties.Server server;
    private final SSLSocketFactory tls;
    private final ThreadPoolExecutor workers;
    private final Object loginLock = new Object();
    private final AtomicInteger logins = new AtomicInteger();
    private volatile VimSession session;

    public VsphereClient(VcenterProperties.Server server) {
        this.server = server;
        this.tls = Tls.socketFactory(server);
        AtomicInteger threads = new AtomicInteger();
        int size = server.maxConcurrentOperations();
        this.workers = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "vcenter-" + server.name() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public String name() {
        return server.name();
    }

    public Duration operationTimeout() {
        return server.operationTimeout();
    }

    /** How many times this client has logged in (once, plus once per expired session). */
    public int logins() {
        return logins.get();
    }

    /**
     * Runs the call on a worker within the operation timeout. A call still running at the deadline is
     * interrupted and reported as TIMEOUT; its worker stays busy until vCenter answers or the socket
     * read times out, so a hanging vCenter never gets more than the bound of calls in flight.
     */
    <T> T execute(String what, Call<T> call) {
        Future<T> future;
        try {
            future = workers.submit(() -> withSession(call));
        } catch (RejectedExecutionException e) {
            throw new VcenterFailure(VcenterResultCode.NOT_CONNECTED, "vCenter " + server.name() + ": the agent is shutting down");
        }
        try {
            return future.get(server.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new VcenterFailure(VcenterResultCode.TIMEOUT, "vCenter " + server.name() + ": " + what
                    + " got no answer within " + server.operationTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            VcenterFailure failure = Faults.classify(e.getCause());
            throw new VcenterFailure(failure.code(), "vCenter " + server.name() + ": " + what + ": " + failure.getMessage(), e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new VcenterFailure(VcenterResultCode.TIMEOUT, "vCenter " + server.name() + ": " + what + " interrupted");
        }
    }

    private <T> T withSession(Call<T> call) throws Exception {
        VimSession current = session();
        try {
            return call.call(current);
        } catch (Exception e) {
            if (!Faults.sessionExpired(e) && !(lostObject(e) && !alive(current))) {
                throw e;
            }
            log.info("vCenter {}: session expired, logging in again", server.name());
            expire(current);
            // Every operation reads the actual state first, so repeating it after a new login is safe.
            return call.call(session());
        }
    }

    /**
     * The session's own objects (its container view) vanish with it, and some servers report that
     * before they report the session: a vanished object is a reason to ask whether the session lives.
     */
    private static boolean lostObject(Exception e) {
        return Faults.classify(e).code() == VcenterResultCode.NOT_FOUND;
    }

    private static boolean alive(VimSession session) {
        try {
            session.ping();
            return true;
        } catch (Exception e) {
            return !Faults.sessionExpired(e);
        }
    }

    private VimSession session() throws Exception {
        VimSession current = session;
        if (current != null) {
            return current;
        }
        synchronized (loginLock) {
            if (session == null) {
                session = VimSession.login(server, tls);
                logins.incrementAndGet();
                log.info("vCenter {}: logged in at {} as {}", server.name(), server.url(), server.username());
            }
            return session;
        }
    }

    private void expire(VimSession stale) {
        synchronized (loginLock) {
            if (session == stale) {
                session = null;
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        VimSession current = session;
        session = null;
        if (current != null) {
            current.logout();
        }
    }
}
