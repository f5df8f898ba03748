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

    /**
     * The plan's members, in key order, at most {@code limit}: a request reads no more than a job can hold and one
     * more, to tell a plan that holds more from one that doesn't, however many records the inventory topic was given.
     */
    List<RecoveryPlanMember> members(String planId, int limit);

    ConfigServerHeartbeat heartbeat(String configurationServer);

    List<RecoveryPoint> recoveryPoints(String vmId);
}
