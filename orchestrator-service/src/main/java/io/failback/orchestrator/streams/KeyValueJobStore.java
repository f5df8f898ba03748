package io.failback.orchestrator.streams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.JobState;
import io.failback.messages.state.StoredVmFacts;
import io.failback.orchestrator.saga.Followup;
import io.failback.orchestrator.saga.Job;
import io.failback.orchestrator.saga.JobStore;
import io.failback.orchestrator.saga.VmJob;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.MeteredKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The saga's {@link JobStore} over Kafka Streams stores: a job header per job and one record per VM (key
 * {@code jobId/vmId}), with an index in memory of their deadlines ordered by due time, so the punctuator reads only
 * what is due. The index follows what is stored: every write of a job or VM moves its entry, and a processor
 * started on the stores (at start, after a crash, on another instance, after an aborted transaction's state is
 * restored) builds it again from the headers and the VMs of every job not yet ended; a timer costs no store write.
 *
 * <p>Jobs and VMs are immutable, so the records last read or written are kept as objects (a bounded cache
 * in step with the stores, which only this class writes): reading one back costs no deserialisation. Writes reach
 * the stores at {@link #flush()}, once per record or tick handled, so a job header changed by each of a plan's VMs in
 * one follow-up is stored once. A job's follow-ups left part done are kept in a store of their own, and the ids of
 * the jobs that have any in memory, so the processor asks only those to go on. What a VM learnt once (its target,
 * its Azure VM's ids: most of its bytes) is written to a store of its own when it changes, not with every step. The VMs
 * of a job that has ended are deleted once it ended longer ago than the retention ({@link #forgetEnded}), so the VM stores
 * hold what the jobs of that span need, not every job ever run.
 */
final class KeyValueJobStore implements JobStore {

    /** Objects kept between records: a 10,000-VM plan's VMs stay in memory while it runs (a few MB). */
    private static final int CACHED_VMS = 20_000;
    private static final int CACHED_JOBS = 1_000;
    /**
     * Jobs whose VM ids are kept listed: those with follow-ups under way, a few at once (a 10,000-VM plan's take about a
     * megabyte); an ended job's are dropped.
     */
    private static final int LISTED_JOBS = 16;
    /** UTF-8's byte order, which is the order of code points: UTF-16's differs where a surrogate pair meets U+E000-U+FFFF. */
    static final java.util.Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Character.compare(inCodePointOrder(x), inCodePointOrder(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    };

    /** A UTF-16 unit moved so that surrogates (U+10000 and above) sort after U+E000-U+FFFF, as in UTF-8. */
    private static char inCodePointOrder(char c) {
        return c >= 0xE000 ? (char) (c - 0x800) : Character.isSurrogate(c) ? (char) (c + 0x2000) : c;
    }

    private final KeyValueStore<String, Job> jobs;
    private final KeyValueStore<String, VmJob> vms;
    /** Each VM's facts, stored apart from it (StoredStateMapping#facts): a step of a VM doesn't rewrite them. */
    private final KeyValueStore<String, StoredVmFacts> facts;
    /** The VM store's bytes below its serdes, to list a slice's VM ids without decoding each VM; null if not found. */
    private final KeyValueStore<Bytes, byte[]> vmKeys;
    /** Jobs that have ended: none of their VMs has anything left to time. */
    private static final java.util.Set<JobState> ENDED = java.util.EnumSet.of(JobState.REJECTED, JobState.COMPLETED,
            JobState.PARTIALLY_COMPLETED, JobState.ROLLED_BACK, JobState.CANCELLED, JobState.FAILED);

    /**
     * A deadline in the index: a job's own ({@code vmId} empty) or a VM's. Entries due at the same millisecond (a
     * slice's commands share their send time) are told apart by the order they were indexed in, not by comparing
     * their ids, which share the job's prefix.
     */
    private record Due(long at, long order, String jobId, String vmId) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** The deadlines not yet taken, oldest first. */
    private final java.util.NavigableSet<Due> due = new java.util.TreeSet<>();
    /** The deadline of each stored job ({@code jobId}) and VM ({@code jobId/vmId}) that has one. */
    private final Map<String, Due> jobDeadlines = new java.util.HashMap<>();
    private final Map<String, Due> vmDeadlines = new java.util.HashMap<>();
    private boolean indexed;
    /** How many entries were indexed: the next one's {@link Due#order}. */
    private long indexedCount;
    private final KeyValueStore<String, List<Followup.Resume>> work;
    private final java.util.NavigableSet<String> jobsWithWork = new java.util.TreeSet<>();
    private final Map<String, Job> jobCache = lru(CACHED_JOBS);
    private final Map<String, VmJob> vmCache = lru(CACHED_VMS);
    /**
     * The VM ids of the jobs listed lately, in the store's order (its keys' UTF-8 bytes: code point order), read from
     * the store at a job's first listing and kept in step with the writes and deletes since. A slice lists its VMs
     * from here: the in-memory store copies every key from a range's start to its end before handing out the first,
     * so listing 1,000 VMs at a time over a 10,000-VM plan copied and sorted up to 10,000 keys each time.
     */
    private final Map<String, java.util.NavigableSet<String>> idsByJob = lru(LISTED_JOBS);
    private Map<String, Job> unwrittenJobs = new LinkedHashMap<>();
    private Map<String, VmJob> unwrittenVms = new LinkedHashMap<>();
    /** How long after its request an ended job's VM records are kept. */
    private final long retentionMs;
    /** Ended jobs whose VM records may still be stored, by when they are forgotten ({@link #endedAt} + retention). */
    private final java.util.NavigableSet<Due> toForget = new java.util.TreeSet<>();
    private final Map<String, Due> forgetAt = new java.util.HashMap<>();
    /** VMs forgotten so far of the jobs being forgotten now, for the audit record written when a job's last one goes. */
    private final Map<String, Integer> forgottenSoFar = new java.util.HashMap<>();

    KeyValueJobStore(KeyValueStore<String, Job> jobs, KeyValueStore<String, VmJob> vms, KeyValueStore<String, StoredVmFacts> facts,
                     KeyValueStore<String, List<Followup.Resume>> work) {
        this(jobs, vms, facts, work, FailbackTopology.ENDED_JOB_RETENTION);
    }

    KeyValueJobStore(KeyValueStore<String, Job> jobs, KeyValueStore<String, VmJob> vms, KeyValueStore<String, StoredVmFacts> facts,
                     KeyValueStore<String, List<Followup.Resume>> work, java.time.Duration endedJobRetention) {
        this.retentionMs = endedJobRetention.toMillis();
        this.jobs = jobs;
        this.vms = vms;
        this.facts = facts;
        this.work = work;
        this.vmKeys = bytesUnder(vms);
        try (KeyValueIterator<String, List<Followup.Resume>> it = work.all()) {
            it.forEachRemaining(kv -> jobsWithWork.add(kv.key)); // work left by the instance before: it goes on here
        }
    }

    /**
     * Indexes the deadlines of what is stored, once, before the first write or look at the index: by then the stores
     * hold what the task was restored to. Indexing a stored record again only puts its entry where it already is.
     */
    private void ensureIndexed() {
        if (indexed) {
            return;
        }
        indexed = true;
        List<String> going = new ArrayList<>();
        try (KeyValueIterator<String, Job> it = jobs.all()) {
            it.forEachRemaining(kv -> {
                index(jobDeadlines, kv.key, kv.value.jobId(), "", kv.value.timerAt());
                if (!ENDED.contains(kv.value.state())) {
                    going.add(kv.key);
                } else {
                    scheduleForget(kv.value); // one already forgotten is found empty then, and dropped without a word
                }
            });
        }
        for (String jobId : going) {
            try (KeyValueIterator<String, VmJob> it = vms.prefixScan(jobId + "/", new StringSerializer())) {
                it.forEachRemaining(kv -> index(vmDeadlines, kv.key, kv.value.jobId(), kv.value.vmId(), kv.value.deadline()));
            }
        }
    }

    /** Moves {@code key}'s entry in the index to {@code at} (0: none); one already there stays as it is. */
    private void index(Map<String, Due> deadlines, String key, String jobId, String vmId, long at) {
        Due old = deadlines.get(key);
        if (old != null && old.at() == at) { // every entry of these maps is in the index (takeDue removes both)
            return;
        }
        if (old != null) {
            due.remove(old);
        }
        if (at == 0) {
            deadlines.remove(key);
        } else {
            Due entry = new Due(at, indexedCount++, jobId, vmId);
            deadlines.put(key, entry);
            due.add(entry);
        }
    }

    static String vmKey(String jobId, String vmId) {
        return jobId + "/" + vmId;
    }

    @Override
    public Job job(String jobId) {
        return load(jobId, unwrittenJobs, jobCache, jobs, (key, job) -> job);
    }

    @Override
    public VmJob vm(String jobId, String vmId) {
        return load(vmKey(jobId, vmId), unwrittenVms, vmCache, vms, this::withStoredFacts);
    }

    /**
     * {@code vm} as read from its store, with its facts from theirs. A record written before the facts were stored
     * apart carries them itself; one that has none may simply not have learnt them yet, and then has no facts stored.
     */
    private VmJob withStoredFacts(String key, VmJob vm) {
        if (StoredStateMapping.hasFacts(vm)) {
            return vm;
        }
        StoredVmFacts stored = facts.get(key);
        return stored == null ? vm : StoredStateMapping.withFacts(vm, stored);
    }

    /**
     * What was put last for {@code key}: not yet written, or kept since, or else read from the store, {@code completed}
     * (and kept).
     */
    private static <V> V load(String key, Map<String, V> unwritten, Map<String, V> cache, KeyValueStore<String, V> store,
                              java.util.function.BiFunction<String, V, V> completed) {
        V value = unwritten.get(key);
        if (value == null) {
            value = cache.get(key);
        }
        if (value == null) {
            value = store.get(key);
            if (value != null) {
                value = completed.apply(key, value);
                cache.put(key, value);
            }
        }
        return value;
    }

    @Override
    public List<String> vmIds(String jobId) {
        return List.copyOf(listed(jobId));
    }

    /** The VMs after {@code afterVmId} (from the first when null) in the store's order, at most {@code limit}. */
    @Override
    public List<String> vmIdsAfter(String jobId, String afterVmId, int limit) {
        java.util.NavigableSet<String> ids = listed(jobId);
        List<String> page = new ArrayList<>(Math.min(limit, ids.size()));
        for (String id : afterVmId == null ? ids : ids.tailSet(afterVmId, false)) {
            if (page.size() == limit) {
                break;
            }
            page.add(id);
        }
        return page;
    }

    /**
     * The job's VM ids: kept, or read once from the store's keys (VMs first put in this record's handling written first,
     * so they are listed too). {@link #flush()} and {@link #forgetEnded} keep a listed job's ids in step with its VMs.
     */
    private java.util.NavigableSet<String> listed(String jobId) {
        String prefix = jobId + "/";
        if (unwrittenVms.keySet().stream().anyMatch(key -> key.startsWith(prefix))) {
            flush();
        }
        java.util.NavigableSet<String> ids = idsByJob.get(jobId);
        if (ids != null) {
            return ids;
        }
        ids = new java.util.TreeSet<>(CODE_POINT_ORDER);
        // '/' + 1 is '0': every key of this job sorts before prefix-with-its-last-char-raised
        String end = jobId + (char) ('/' + 1);
        if (vmKeys != null) {
            try (KeyValueIterator<Bytes, byte[]> it = vmKeys.range(utf8(prefix), utf8(end))) {
                while (it.hasNext()) {
                    String key = new String(it.next().key.get(), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix)) {
                        ids.add(key.substring(prefix.length()));
                    }
                }
            }
        } else {
            try (KeyValueIterator<String, VmJob> it = vms.range(prefix, end)) {
                while (it.hasNext()) {
                    String key = it.next().key;
                    if (key.startsWith(prefix)) {
                        ids.add(key.substring(prefix.length()));
                    }
                }
            }
        }
        idsByJob.put(jobId, ids);
        return ids;
    }

    private static Bytes utf8(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)); // what the store's String serde makes of it
    }

    /**
     * The bytes store a typed store wraps (Streams' metered layer decodes keys and values; its iterators decode each
     * value, which listing ids doesn't need). The store is uncached, so its bytes are all there is to read.
     */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> bytesUnder(KeyValueStore<String, ?> store) {
        StateStore s = store;
        while (s instanceof WrappedStateStore<?, ?, ?> wrapped) {
            if (s instanceof MeteredKeyValueStore<?, ?> metered) {
                return metered.wrapped() instanceof CachingKeyValueStore ? null : (KeyValueStore<Bytes, byte[]>) metered.wrapped();
            }
            s = wrapped.wrapped();
        }
        return null;
    }

    @Override
    public List<Followup.Resume> work(String jobId) {
        List<Followup.Resume> kept = jobsWithWork.contains(jobId) ? work.get(jobId) : null;
        return kept == null ? List.of() : kept;
    }

    @Override
    public void putWork(String jobId, List<Followup.Resume> left) {
        if (left.isEmpty()) {
            if (jobsWithWork.remove(jobId)) {
                work.delete(jobId);
            }
        } else {
            work.put(jobId, left);
            jobsWithWork.add(jobId);
        }
    }

    boolean hasWork() {
        return !jobsWithWork.isEmpty();
    }

    /** The jobs with follow-ups left part done, in id order. */
    List<String> jobsWithWork() {
        return List.copyOf(jobsWithWork);
    }

    @Override
    public void put(Job job) {
        unwrittenJobs.put(job.jobId(), job);
    }

    @Override
    public void put(VmJob vm) {
        unwrittenVms.put(vmKey(vm.jobId(), vm.vmId()), vm);
    }

    /**
     * Writes what was put since the last flush to the stores (and so to their changelogs), the cache
     * keeping each object only once it is stored: a record the store refuses is not kept either.
     */
    void flush() {
        ensureIndexed();
        try {
            for (Map.Entry<String, VmJob> e : unwrittenVms.entrySet()) {
                VmJob vm = e.getValue();
                VmJob before = vmCache.get(e.getKey()); // as stored last, if still kept
                if (StoredStateMapping.hasFacts(vm) && (before == null || !StoredStateMapping.sameFacts(before, vm))) {
                    facts.put(e.getKey(), StoredStateMapping.facts(vm));
                }
                write(e.getKey(), vm, vmCache, vms);
                index(vmDeadlines, e.getKey(), vm.jobId(), vm.vmId(), vm.deadline());
                java.util.NavigableSet<String> ids = before == null ? idsByJob.get(vm.jobId()) : null;
                if (ids != null) {
                    ids.add(vm.vmId()); // a VM not kept since its last write may be new: listed from now on (if it was, it stays)
                }
            }
            for (Map.Entry<String, Job> e : unwrittenJobs.entrySet()) {
                Job job = e.getValue();
                write(e.getKey(), job, jobCache, jobs);
                index(jobDeadlines, e.getKey(), job.jobId(), "", job.timerAt());
                if (ENDED.contains(job.state())) {
                    scheduleForget(job);
                    idsByJob.remove(job.jobId()); // no follow-up is left for it: listed again from the store if ever asked
                }
            }
        } finally {
            unwrittenVms = emptied(unwrittenVms);
            unwrittenJobs = emptied(unwrittenJobs);
        }
    }

    /**
     * The map emptied: a map that held a slice of a plan is replaced, as {@code clear()} would sweep its whole table
     * again after every later record (a fourteenth of the stream thread's time at 10,000 VMs).
     */
    private static <V> Map<String, V> emptied(Map<String, V> map) {
        if (map.size() > 64) {
            return new LinkedHashMap<>();
        }
        map.clear();
        return map;
    }

    private static <V> void write(String key, V value, Map<String, V> cache, KeyValueStore<String, V> store) {
        cache.remove(key);
        store.put(key, value);
        cache.put(key, value);
    }

    /**
     * Deadlines due at or before {@code now}, oldest first, at most {@code limit}, each as {jobId, vmId} ({@code vmId}
     * empty for the job's own); taken from the index, so each is handed out once (a record stored again with a
     * deadline puts it back).
     */
    List<String[]> takeDue(long now, int limit) {
        ensureIndexed();
        List<String[]> taken = new ArrayList<>();
        while (taken.size() < limit && !due.isEmpty() && due.first().at() <= now) {
            Due d = due.pollFirst();
            if (d.vmId().isEmpty()) {
                jobDeadlines.remove(d.jobId(), d);
            } else {
                vmDeadlines.remove(vmKey(d.jobId(), d.vmId()), d);
            }
            taken.add(new String[] {d.jobId(), d.vmId()});
        }
        return taken;
    }

    private void scheduleForget(Job job) {
        if (!forgetAt.containsKey(job.jobId())) {
            Due entry = new Due(endedAt(job) + retentionMs, indexedCount++, job.jobId(), "");
            forgetAt.put(job.jobId(), entry);
            toForget.add(entry);
        }
    }

    /** When {@code job} ended: as kept with it, or its request's time for a job stored before that was kept. */
    static long endedAt(Job job) {
        return job.endedAt() > 0 ? job.endedAt() : job.createdAt();
    }

    /** An ended job whose VM records were all forgotten: {@code vms} of them by this process. */
    record Forgotten(Job job, int vms) {
    }

    /**
     * Deletes the VM records (progress and facts, from the stores and so from their changelogs) of jobs that ended
     * more than the retention before {@code now} ({@link #endedAt}), at most {@code limit} VMs per call; a job's header stays, so a repeated
     * request or a control still meets the job and its counts. Returns the jobs whose last VM record went in this call,
     * found with some to forget: a job found with none (forgotten before a restart, or refused with none) goes silently.
     */
    List<Forgotten> forgetEnded(long now, int limit) {
        ensureIndexed();
        flush();
        List<Forgotten> done = new ArrayList<>();
        int budget = limit;
        while (budget > 0 && !toForget.isEmpty() && toForget.first().at() <= now) {
            Due entry = toForget.first();
            String jobId = entry.jobId();
            idsByJob.remove(jobId); // listed again from the store, should anything list it while or after it is forgotten
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, VmJob> it = vms.prefixScan(jobId + "/", new StringSerializer())) {
                while (it.hasNext() && keys.size() < budget) {
                    keys.add(it.next().key);
                }
            }
            for (String key : keys) {
                vms.delete(key);
                facts.delete(key);
                vmCache.remove(key);
                Due old = vmDeadlines.remove(key);
                if (old != null) {
                    due.remove(old);
                }
            }
            budget -= keys.size();
            int sofar = forgottenSoFar.getOrDefault(jobId, 0) + keys.size();
            if (budget > 0) { // fewer than asked: none is left
                toForget.pollFirst();
                forgetAt.remove(jobId);
                forgottenSoFar.remove(jobId);
                if (sofar > 0) {
                    done.add(new Forgotten(job(jobId), sofar));
                }
            } else {
                forgottenSoFar.put(jobId, sofar);
            }
        }
        return done;
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
