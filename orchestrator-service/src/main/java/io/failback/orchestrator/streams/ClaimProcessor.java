package io.failback.orchestrator.streams;

import io.failback.messages.VmClaim;
import io.failback.orchestrator.saga.VmClaims;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The VM-keyed side of the orchestrator: every claim for one VM lands on one partition, in order,
 * and is decided by {@link VmClaims}; the answer goes back keyed by job id.
 */
final class ClaimProcessor implements Processor<String, VmClaim, String, Object> {

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, String> holders;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.holders = context.getStateStore(StoreNames.VM_CLAIMS);
    }

    @Override
    public void process(Record<String, VmClaim> record) {
        VmClaim claim = record.value();
        if (claim == null) {
            return;
        }
        VmClaims.Outcome outcome = VmClaims.decide(holders.get(claim.getVmId()), claim);
        if (outcome.holder() == null) {
            holders.delete(claim.getVmId());
        } else {
            holders.put(claim.getVmId(), outcome.holder());
        }
        if (outcome.answer() != null) {
            context.forward(new Record<>(claim.getJobId(), outcome.answer(), record.timestamp()));
        }
    }
}
