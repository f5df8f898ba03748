package io.failback.dashboard;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.failback.messages.JobStatus;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server-sent events for open pages: the store says what changed, each subscriber collects the jobs and VMs it
 * shows, and every tick sends only those, as small JSON deltas: a job's progress (state, counts, one bar per
 * group) and the rows of the changed VMs on the page, never a whole table. A burst of changes to one VM within a
 * tick goes out once, so a plan of 10,000 VMs stays light.
 */
public final class LiveUpdates implements JobStateStore.Listener, SmartLifecycle, AutoCloseable {

    /** The most job rows one tick sends to the jobs list; the rest go on the next ticks. */
    static final int MAX_JOBS_PER_TICK = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JobStateStore store;
    private final Clock clock;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-updates");
        t.setDaemon(true);
        return t;
    });
    private final long keepAliveTicks;

    public LiveUpdates(JobStateStore store, Clock clock, Duration tick, Duration keepAlive) {
        this.store = store;
        this.clock = clock;
        this.keepAliveTicks = Math.max(1, keepAlive.toMillis() / tick.toMillis());
        store.addListener(this);
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Follows every job, for the jobs list. */
    public SseEmitter jobs(SseEmitter emitter) {
        return subscribe(new Subscriber(emitter, null, Set.of()));
    }

    /** Follows one job and the VMs shown on the page ({@code vmIds}); starts with the job's progress and those rows. */
    public SseEmitter job(SseEmitter emitter, String jobId, Set<String> vmIds) {
        Subscriber s = new Subscriber(emitter, jobId, vmIds);
        s.jobDirty = true;
        s.dirtyVms.addAll(vmIds);
        return subscribe(s);
    }

    private SseEmitter subscribe(Subscriber s) {
        subscribers.add(s);
        s.emitter.onCompletion(() -> subscribers.remove(s));
        s.emitter.onTimeout(() -> subscribers.remove(s));
        s.emitter.onError(e -> subscribers.remove(s));
        return s.emitter;
    }

    int subscriberCount() {
        return subscribers.size();
    }

    @Override
    public void jobChanged(String jobId) {
        for (Subscriber s : subscribers) {
            if (s.jobId == null) {
                s.dirtyJobs.add(jobId);
            } else if (s.jobId.equals(jobId)) {
                s.jobDirty = true;
            }
        }
    }

    @Override
    public void vmChanged(String jobId, String vmId) {
        for (Subscriber s : subscribers) {
            if (s.jobId == null) {
                continue; // the list shows the job's counts, which its own status carries
            }
            if (s.jobId.equals(jobId)) {
                s.jobDirty = true; // the group bars count VMs
                if (s.vmIds.contains(vmId)) {
                    s.dirtyVms.add(vmId);
                }
            }
        }
    }

    private void tick() {
        for (Subscriber s : subscribers) {
            try {
                if (!s.send()) {
                    s.idleTicks++;
                    if (s.idleTicks >= keepAliveTicks) {
                        s.idleTicks = 0;
                        s.emitter.send(SseEmitter.event().comment("keep-alive"));
                    }
                } else {
                    s.idleTicks = 0;
                }
            } catch (IOException | IllegalStateException e) {
                // the page went away; its emitter is done
                subscribers.remove(s);
                s.emitter.completeWithError(e);
            } catch (RuntimeException e) {
                subscribers.remove(s);
                s.emitter.completeWithError(e);
            }
        }
    }

    /** The payload of a job's {@code progress} event: its state, counts, reasons and one entry per boot group. */
    Map<String, Object> progress(String jobId) {
        Map<String, Object> p = new LinkedHashMap<>();
        store.job(jobId).ifPresentOrElse(job -> {
            p.putAll(Rows.job(job, clock.instant()));
            JobStatus status = job.status();
            p.put("currentGroup", status == null ? 0 : status.getCurrentGroup());
        }, () -> p.put("state", "GONE"));
        List<Map<String, Object>> groups = new ArrayList<>();
        for (JobStateStore.GroupProgress g : store.groups(jobId)) {
            groups.add(Map.of("group", g.group(), "total", g.total(), "done", g.done(), "failed", g.failed(),
                    "donePercent", Rows.percent(g.done(), g.total()), "failedPercent", Rows.percent(g.failed(), g.total())));
        }
        p.put("groups", groups);
        return p;
    }

    private volatile boolean running;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every open stream first (this phase stops before the web server's graceful shutdown, which would
     * otherwise wait for these never-ending requests); the pages' EventSource reconnects to the next instance.
     */
    @Override
    public void stop() {
        running = false;
        subscribers.forEach(s -> s.emitter.complete());
        subscribers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        store.removeListener(this);
        subscribers.forEach(s -> s.emitter.complete());
        subscribers.clear();
    }

    private final class Subscriber {
        final SseEmitter emitter;
        /** Null for the jobs list. */
        final String jobId;
        final Set<String> vmIds;
        final Set<String> dirtyJobs = ConcurrentHashMap.newKeySet();
        final Set<String> dirtyVms = ConcurrentHashMap.newKeySet();
        volatile boolean jobDirty;
        int idleTicks;

        Subscriber(SseEmitter emitter, String jobId, Set<String> vmIds) {
            this.emitter = emitter;
            this.jobId = jobId;
            this.vmIds = Set.copyOf(vmIds);
        }

        /** Sends what changed since the last tick; false when nothing did. */
        boolean send() throws IOException {
            boolean sent = false;
            if (jobId == null) {
                List<String> changed = new ArrayList<>();
                for (String id : dirtyJobs) {
                    if (changed.size() >= MAX_JOBS_PER_TICK) {
                        break;
                    }
                    changed.add(id);
                }
                for (String id : changed) {
                    dirtyJobs.remove(id);
                    var job = store.job(id);
                    Object row = job.isPresent() ? Rows.job(job.get(), clock.instant()) : Map.of("jobId", id, "state", "GONE");
                    emitter.send(SseEmitter.event().name("job").data(JSON.writeValueAsString(row), MediaType.APPLICATION_JSON));
                    sent = true;
                }
                return sent;
            }
            if (jobDirty) {
                jobDirty = false;
                emitter.send(SseEmitter.event().name("progress").data(JSON.writeValueAsString(progress(jobId)), MediaType.APPLICATION_JSON));
                sent = true;
            }
            for (String vmId : List.copyOf(dirtyVms)) {
                dirtyVms.remove(vmId);
                var vm = store.vm(jobId, vmId);
                if (vm.isPresent()) {
                    emitter.send(SseEmitter.event().name("vm").data(JSON.writeValueAsString(Rows.vm(vm.get())), MediaType.APPLICATION_JSON));
                    sent = true;
                }
            }
            return sent;
        }
    }
}
