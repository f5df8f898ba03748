package io.failback.orchestrator.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.failback.messages.Consistency;
import io.failback.messages.ReasonCode;
import io.failback.orchestrator.saga.ChosenPoint;
import io.failback.orchestrator.saga.Followup;
import io.failback.orchestrator.saga.Reason;
import io.failback.schemas.LogSafe;
import io.failback.schemas.UnreadableRecordException;
import io.failback.schemas.UnreadableRecordException.Problem;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the "job-work" store: a job's follow-ups left part done between the calls that work a large plan
 * off slice by slice. Short-lived (a store entry lives for seconds, while a plan's follow-up goes through its VMs),
 * so a plain versioned binary form: a format byte, then the entries, enums by name so a reordering can't misread.
 */
final class WorkSerde {

    /** The first byte of every value; another one is refused by name. */
    private static final byte FORMAT = 1;

    static final Serde<List<Followup.Resume>> WORK = Serdes.serdeFrom(serializer(), deserializer());

    private WorkSerde() {
    }

    private static Serializer<List<Followup.Resume>> serializer() {
        return (topic, work) -> {
            if (work == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                out.writeInt(work.size());
                for (Followup.Resume r : work) {
                    Followup f = r.followup();
                    out.writeUTF(f.kind().name());
                    out.writeInt(f.group());
                    writeNullable(out, f.reason() == null ? null : f.reason().code().name());
                    writeNullable(out, f.reason() == null ? null : f.reason().message());
                    writeNullable(out, f.vmId());
                    writeNullable(out, f.consistencyId());
                    out.writeInt(f.points().size());
                    for (Map.Entry<String, ChosenPoint> e : f.points().entrySet()) {
                        ChosenPoint p = e.getValue();
                        out.writeUTF(e.getKey());
                        out.writeUTF(p.pointId());
                        out.writeLong(p.time());
                        out.writeUTF(p.consistency().name());
                        writeNullable(out, p.consistencyId());
                        out.writeLong(p.dataLossWindowMillis());
                    }
                    writeNullable(out, r.afterVmId());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail to grow
            }
            return bytes.toByteArray();
        };
    }

    private static Deserializer<List<Followup.Resume>> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                byte format = in.readByte();
                if (format != FORMAT) {
                    throw new UnreadableRecordException(Problem.CORRUPT_DATUM, topic, "job work in unknown format " + format, null);
                }
                int n = in.readInt();
                List<Followup.Resume> work = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Followup.Kind kind = Followup.Kind.valueOf(in.readUTF());
                    int group = in.readInt();
                    String code = readNullable(in);
                    String message = readNullable(in);
                    String vmId = readNullable(in);
                    String consistencyId = readNullable(in);
                    int points = in.readInt();
                    Map<String, ChosenPoint> chosen = new LinkedHashMap<>();
                    for (int p = 0; p < points; p++) {
                        String vm = in.readUTF();
                        chosen.put(vm, new ChosenPoint(in.readUTF(), in.readLong(), Consistency.valueOf(in.readUTF()),
                                readNullable(in), in.readLong()));
                    }
                    Reason reason = code == null ? null : new Reason(ReasonCode.valueOf(code), message);
                    work.add(new Followup.Resume(new Followup(kind, group, reason, vmId, consistencyId, chosen), readNullable(in)));
                }
                return work;
            } catch (IOException | IllegalArgumentException e) {
                throw new UnreadableRecordException(Problem.CORRUPT_DATUM, topic,
                        "stored job work that no saga could have made: " + LogSafe.of(e.getMessage()), e);
            }
        };
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
