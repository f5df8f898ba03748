package io.failback.orchestrator.saga;

import java.util.List;

import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.ProtectedItem;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;

/**
 * What the replication engine last published about the estate, as the saga reads it: the global stores
 * in production, a map in tests. Every lookup answers null or an empty list for what it doesn't know.
 */
public interface Inventory {

    ProtectedItem item(String vmId);

    RecoveryPlan plan(String planId);

    List<RecoveryPlanMember> members(String planId);

    ConfigServerHeartbeat heartbeat(String configurationServer);

    List<RecoveryPoint> recoveryPoints(String vmId);
}
