package io.failback.orchestrator.saga;

import java.util.List;

/** Where a VM's failback happens, copied from its protected item when the job starts. */
public record Target(String vCenter, String masterTarget, String onPremisesVm, List<String> replicaDisks,
                     String azureVmId, String azureResourceGroup, boolean windows, String processServer) {
}
