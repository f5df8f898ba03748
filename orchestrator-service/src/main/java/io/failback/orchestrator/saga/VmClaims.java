package io.failback.orchestrator.saga;

import io.failback.messages.ClaimAction;
import io.failback.messages.VmClaim;
import io.failback.messages.VmClaimAnswer;

/**
 * Who holds a VM: the rule that keeps a VM in at most one active job. Runs on the VM-keyed side, so
 * every claim for one VM is decided in one place, in order.
 */
public final class VmClaims {

    /** The answer to send (null for a release) and the VM's holder afterwards (null when free). */
    public record Outcome(VmClaimAnswer answer, String holder) {
    }

    private VmClaims() {
    }

    public static Outcome decide(String holder, VmClaim claim) {
        if (claim.getAction() == ClaimAction.RELEASE) {
            return new Outcome(null, claim.getJobId().equals(holder) ? null : holder);
        }
        if (holder == null || holder.equals(claim.getJobId())) {
            return new Outcome(new VmClaimAnswer(claim.getJobId(), claim.getVmId(), true, null), claim.getJobId());
        }
        return new Outcome(new VmClaimAnswer(claim.getJobId(), claim.getVmId(), false, holder), holder);
    }
}
