package io.failback.e2e.faults;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.failback.messages.AttachDisks;
import io.failback.messages.AzureCommand;
import io.failback.messages.CheckConnection;
import io.failback.messages.CommitPolicy;
import io.failback.messages.CommitPolicyKind;
import io.failback.messages.ControlAction;
import io.failback.messages.ControlCommand;
import io.failback.messages.DeleteAzureVm;
import io.failback.messages.DetachDisks;
import io.failback.messages.EnableVmwareTools;
import io.failback.messages.FailbackRequest;
import io.failback.messages.InspectMasterTarget;
import io.failback.messages.PowerOffVm;
import io.failback.messages.PowerOnVm;
import io.failback.messages.ReadAzureVm;
import io.failback.messages.RecoveryPointKind;
import io.failback.messages.ShutdownAzureVm;
import io.failback.messages.StartAzureVm;
import io.failback.messages.VcenterCommand;
import io.failback.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;

/**
 * A stand-in for the schemas module's RecordFuzzer until it is merged: valid records naming only
 * invented VMs, the same with bytes flipped, cut or appended or the schema fingerprint changed, and
 * hostile ones (random bytes, nothing at all, another topic's record, oversized strings and arrays,
 * lengths that claim hundreds of megabytes, control characters and bidi overrides in ids), over the
 * four topics clients write, a quarter of them on a partition of the client's choosing.
 */
public final class PlaceholderFuzzSource implements FuzzSource {

    private static final List<String> TOPICS = List.of(Topics.REQUESTS.name(), Topics.CONTROL.name(),
            Topics.VCENTER_COMMANDS.name(), Topics.AZURE_COMMANDS.name());
    private static final String[] ODD = {"\n", "\r\n", "\u202e", "\u2028", "\u0000", "\u001b[31m", "\\", "'", "\"", "%s", "${jndi:x}", "ü", "\uD83D\uDE00"};

    private final long seed;
    private final Random random;
    private final String subscription;
    private long n;

    public PlaceholderFuzzSource(long seed, String subscriptionId) {
        this.seed = seed;
        this.random = new Random(seed);
        this.subscription = subscriptionId;
    }

    @Override
    public String describe() {
        return "placeholder fuzz source (until RecordFuzzer is merged), seed " + seed;
    }

    @Override
    public FuzzInput next() {
        n++;
        String topic = TOPICS.get(random.nextInt(TOPICS.size()));
        Integer partition = random.nextInt(4) == 0 ? random.nextInt(Topics.PARTITIONS) : null;
        int roll = random.nextInt(100);
        if (roll < 30) {
            Valid v = valid(topic);
            return new FuzzInput(topic, utf8(v.key()), encode(topic, v.record()), partition, "valid");
        }
        if (roll < 65) {
            Valid v = valid(topic);
            return new FuzzInput(topic, utf8(v.key()), mutate(encode(topic, v.record())), partition, "mutated");
        }
        return hostile(topic, partition);
    }

    private record Valid(String key, SpecificRecord record) {
    }

    private Valid valid(String topic) {
        Instant at = Instant.now();
        if (topic.equals(Topics.REQUESTS.name())) {
            String id = "fz-req-" + n;
            FailbackRequest.Builder b = FailbackRequest.newBuilder().setRequestId(id).setRequestedBy("fuzz@example.org").setRequestedAt(at)
                    .setRecoveryPoint(random.nextBoolean() ? RecoveryPointKind.LATEST : RecoveryPointKind.LATEST_APP_CONSISTENT)
                    .setCommitPolicy(new CommitPolicy(CommitPolicyKind.values()[random.nextInt(3)], random.nextInt(600)));
            if (random.nextBoolean()) {
                b.setPlanId("fz-plan-" + random.nextInt(50));
            } else {
                List<String> vms = new ArrayList<>();
                for (int i = 0, count = 1 + random.nextInt(4); i < count; i++) {
                    vms.add("fz-vm-" + random.nextInt(200));
                }
                b.setVmIds(vms);
            }
            return new Valid(random.nextInt(10) == 0 ? "fz-other-key-" + n : id, b.build());
        }
        if (topic.equals(Topics.CONTROL.name())) {
            String job = "fz-job-" + random.nextInt(500);
            return new Valid(job, new ControlCommand("fz-ctl-" + n, job, random.nextBoolean() ? ControlAction.COMMIT : ControlAction.CANCEL,
                    "fuzz@example.org", at));
        }
        String vm = "fz-vm-" + random.nextInt(200);
        String job = "fz-job-" + random.nextInt(500);
        if (topic.equals(Topics.VCENTER_COMMANDS.name())) {
            String vc = random.nextInt(4) == 0 ? "fz-vcenter" : "vc-east";
            List<String> disks = List.of("[LocalDS_0] fz-mt/" + vm + "_0.vmdk");
            Object op = switch (random.nextInt(7)) {
                case 0 -> new CheckConnection(vc);
                case 1 -> new InspectMasterTarget(vc, "fz-mt-" + random.nextInt(5), disks);
                case 2 -> new PowerOffVm(vc, vm);
                case 3 -> new PowerOnVm(vc, vm);
                case 4 -> new DetachDisks(vc, "fz-mt-" + random.nextInt(5), disks);
                case 5 -> new AttachDisks(vc, vm, disks);
                default -> new EnableVmwareTools(vc, vm);
            };
            return new Valid(vm, new VcenterCommand("fz-cmd-" + n, job, vm, at, op));
        }
        String sub = random.nextInt(4) == 0 ? "11111111-2222-3333-4444-555555555555" : subscription;
        String id = "/subscriptions/" + sub + "/resourceGroups/rg-fuzz/providers/Microsoft.Compute/virtualMachines/" + vm;
        Object op = switch (random.nextInt(4)) {
            case 0 -> new ReadAzureVm(id);
            case 1 -> new ShutdownAzureVm(id);
            case 2 -> new StartAzureVm(id);
            default -> new DeleteAzureVm(id, true, true, List.of(), List.of());
        };
        return new Valid(vm, new AzureCommand("fz-cmd-" + n, job, vm, at, op));
    }

    private byte[] mutate(byte[] bytes) {
        byte[] out;
        switch (random.nextInt(4)) {
            case 0 -> {
                out = bytes.clone();
                for (int i = 0, flips = 1 + random.nextInt(3); i < flips; i++) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> out = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                out = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64));
                for (int i = bytes.length; i < out.length; i++) {
                    out[i] = (byte) random.nextInt(256);
                }
            }
            default -> {
                out = bytes.clone();
                out[2 + random.nextInt(8)] ^= (byte) (1 + random.nextInt(255)); // the schema fingerprint
            }
        }
        return out;
    }

    private FuzzInput hostile(String topic, Integer partition) {
        byte[] key = utf8("fz-hostile-" + n);
        int kind = random.nextInt(8);
        return switch (kind) {
            case 0 -> {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                yield new FuzzInput(topic, key, junk, partition, "hostile: random bytes");
            }
            case 1 -> new FuzzInput(topic, key, new byte[0], partition, "hostile: zero bytes");
            case 2 -> {
                String other = otherTopic(topic);
                yield new FuzzInput(topic, key, encode(other, valid(other).record()), partition, "hostile: another topic's record");
            }
            case 3 -> new FuzzInput(topic, key, hugeLength(topic, false), partition, "hostile: a string claiming 300 MB");
            case 4 -> new FuzzInput(topic, key, hugeLength(topic, true), partition, "hostile: an array claiming 50 million items");
            case 5 -> {
                Valid v = oversized(topic);
                yield new FuzzInput(topic, utf8(v.key()), encode(topic, v.record()), partition, "hostile: oversized fields");
            }
            case 6 -> {
                Valid v = oddIds(topic);
                yield new FuzzInput(topic, utf8(v.key()), encode(topic, v.record()), partition, "hostile: control characters in ids");
            }
            default -> topic.equals(Topics.VCENTER_COMMANDS.name()) || topic.equals(Topics.AZURE_COMMANDS.name())
                    ? new FuzzInput(topic, key, null, partition, "hostile: tombstone")
                    : new FuzzInput(topic, null, encode(topic, valid(topic).record()), partition, "hostile: no key");
        };
    }

    private String otherTopic(String topic) {
        List<String> others = new ArrayList<>(TOPICS);
        others.remove(topic);
        return others.get(random.nextInt(others.size()));
    }

    /** The record's header and fingerprint, then a length (or an array's item count) far beyond the bytes that follow. */
    private byte[] hugeLength(String topic, boolean array) {
        byte[] valid = encode(topic, valid(topic).record());
        ByteBuffer out = ByteBuffer.allocate(10 + 10 + 16).order(ByteOrder.LITTLE_ENDIAN);
        out.put(valid, 0, 10);
        if (array && topic.equals(Topics.REQUESTS.name())) {
            // requestId, requestedBy, requestedAt, then vmIds: an array block of 50 million items
            zigzag(out, 1);
            out.put((byte) 'x');
            zigzag(out, 1);
            out.put((byte) 'y');
            zigzag(out, 1_790_000_000_000L);
            zigzag(out, 50_000_000L);
        } else {
            zigzag(out, 300L * 1024 * 1024);
        }
        out.put(utf8("only a few bytes follow"), 0, 8);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static void zigzag(ByteBuffer out, long value) {
        long z = (value << 1) ^ (value >> 63);
        while ((z & ~0x7FL) != 0) {
            out.put((byte) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.put((byte) z);
    }

    private Valid oversized(String topic) {
        String big = "fz-" + "x".repeat(100_000 + random.nextInt(100_000));
        Instant at = Instant.now();
        if (topic.equals(Topics.REQUESTS.name())) {
            if (random.nextBoolean()) {
                return new Valid(big, FailbackRequest.newBuilder().setRequestId(big).setRequestedBy(big).setRequestedAt(at)
                        .setVmIds(List.of("fz-vm-1")).build());
            }
            List<String> vms = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                vms.add("fz-vm-" + i);
            }
            String id = "fz-many-" + n;
            return new Valid(id, FailbackRequest.newBuilder().setRequestId(id).setRequestedBy("fuzz@example.org").setRequestedAt(at)
                    .setVmIds(vms).build());
        }
        if (topic.equals(Topics.CONTROL.name())) {
            return new Valid(big, new ControlCommand(big, big, ControlAction.COMMIT, big, at));
        }
        if (topic.equals(Topics.VCENTER_COMMANDS.name())) {
            return new Valid("fz-vm-big", new VcenterCommand(big, big, big, at, new PowerOffVm("vc-east", big)));
        }
        return new Valid("fz-vm-big", new AzureCommand(big, big, big, at, new ReadAzureVm(big)));
    }

    private Valid oddIds(String topic) {
        String odd = "fz-" + ODD[random.nextInt(ODD.length)] + n + ODD[random.nextInt(ODD.length)];
        Instant at = Instant.now();
        if (topic.equals(Topics.REQUESTS.name())) {
            return new Valid(odd, FailbackRequest.newBuilder().setRequestId(odd).setRequestedBy(odd).setRequestedAt(at)
                    .setVmIds(List.of(odd)).build());
        }
        if (topic.equals(Topics.CONTROL.name())) {
            return new Valid(odd, new ControlCommand(odd, odd, ControlAction.CANCEL, odd, at));
        }
        if (topic.equals(Topics.VCENTER_COMMANDS.name())) {
            return new Valid(odd, new VcenterCommand(odd, odd, odd, at, new PowerOnVm("vc-east", odd)));
        }
        return new Valid(odd, new AzureCommand(odd, odd, odd, at, new ReadAzureVm("/subscriptions/" + subscription
                + "/resourceGroups/rg-fuzz/providers/Microsoft.Compute/virtualMachines/" + odd)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(String topic, SpecificRecord record) {
        io.failback.schemas.Topic t = Topics.ALL.stream().filter(x -> x.name().equals(topic)).findFirst().orElseThrow();
        return t.valueSerde().serializer().serialize(topic, record);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
