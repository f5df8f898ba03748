package io.failback.e2e.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.failback.messages.AzureCommand;
import io.failback.messages.VcenterCommand;
import io.failback.sandbox.estate.EstateSpec;
import io.failback.sandbox.estate.VmSpec;
import io.failback.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The commands one job sent to the agents, as an agent reading committed records sees them: for each VM
 * and irreversible step, the distinct command ids and how many records carried them. A step sent again
 * under the same id is a re-send (agents are idempotent); two ids for one step of one VM would have the
 * agent do it twice.
 */
public final class CommandLedger {

    /** VM id to step to the ids sent for it, in order of first appearance. */
    private final Map<String, Map<IrreversibleStep, Set<String>>> ids = new TreeMap<>();
    private int records;

    private CommandLedger() {
    }

    /** Reads both command topics from the marks (the beginning where there is none) to their last stable offset. */
    public static CommandLedger read(Map<String, Object> kafka, String jobId, EstateSpec estate, Map<TopicPartition, Long> marks) {
        CommandLedger ledger = new CommandLedger();
        List<ConsumerRecord<byte[], byte[]>> all = TopicRead.since(kafka,
                List.of(Topics.AZURE_COMMANDS.name(), Topics.VCENTER_COMMANDS.name()), marks, IsolationLevel.READ_COMMITTED);
        for (ConsumerRecord<byte[], byte[]> r : all) {
            if (r.topic().equals(Topics.AZURE_COMMANDS.name())) {
                AzureCommand c = decodeOrNull(() -> Topics.AZURE_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                if (c != null && jobId.equals(c.getJobId())) {
                    ledger.records++;
                    IrreversibleStep.of(c).ifPresent(step -> ledger.add(c.getVmId(), step, c.getCommandId()));
                }
            } else {
                VcenterCommand c = decodeOrNull(() -> Topics.VCENTER_COMMANDS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                if (c != null && jobId.equals(c.getJobId())) {
                    ledger.records++;
                    VmSpec vm = estate.vms().stream().filter(v -> v.vmId().equals(c.getVmId())).findFirst().orElse(null);
                    if (vm != null) {
                        IrreversibleStep.of(c, vm).ifPresent(step -> ledger.add(c.getVmId(), step, c.getCommandId()));
                    }
                }
            }
        }
        return ledger;
    }

    /** Hostile records on the command topics are none of this ledger's business. */
    private static <T> T decodeOrNull(java.util.function.Supplier<T> decode) {
        try {
            return decode.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void add(String vmId, IrreversibleStep step, String commandId) {
        ids.computeIfAbsent(vmId, v -> new EnumMap<>(IrreversibleStep.class)).computeIfAbsent(step, s -> new LinkedHashSet<>()).add(commandId);
    }

    /** Command records of the job seen, re-sends included. */
    public int records() {
        return records;
    }

    public Set<String> ids(String vmId, IrreversibleStep step) {
        return ids.getOrDefault(vmId, Map.of()).getOrDefault(step, Set.of());
    }

    /** Every step of a VM that went out under more than one id, described; empty when each went out once. */
    public List<String> violations() {
        List<String> out = new ArrayList<>();
        ids.forEach((vm, steps) -> steps.forEach((step, set) -> {
            if (set.size() > 1) {
                out.add(vm + " " + step + " under " + set.size() + " ids: " + set);
            }
        }));
        return out;
    }
}
