package io.failback.orchestrator.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.failback.messages.ConfigServerHeartbeat;
import io.failback.messages.InventoryRecord;
import io.failback.messages.ProtectedItem;
import io.failback.messages.RecoveryPlan;
import io.failback.messages.RecoveryPlanMember;
import io.failback.messages.RecoveryPoint;
import io.failback.orchestrator.saga.Inventory;
import io.failback.schemas.InventoryKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The saga's {@link Inventory} over the global stores the replication engine's topics fill. */
final class StoreInventory implements Inventory {

    private final KeyValueStore<String, InventoryRecord> inventory;
    private final KeyValueStore<String, RecoveryPoint> points;

    StoreInventory(KeyValueStore<String, InventoryRecord> inventory, KeyValueStore<String, RecoveryPoint> points) {
        this.inventory = inventory;
        this.points = points;
    }

    @Override
    public ProtectedItem item(String vmId) {
        return entry(InventoryKeys.item(vmId), ProtectedItem.class);
    }

    @Override
    public RecoveryPlan plan(String planId) {
        return entry(InventoryKeys.plan(planId), RecoveryPlan.class);
    }

    @Override
    public List<RecoveryPlanMember> members(String planId, int limit) {
        return scan(inventory, InventoryKeys.planMembersPrefix(planId),
                r -> r.getEntry() instanceof RecoveryPlanMember m ? m : null, limit);
    }

    @Override
    public ConfigServerHeartbeat heartbeat(String configurationServer) {
        return entry(InventoryKeys.configServer(configurationServer), ConfigServerHeartbeat.class);
    }

    @Override
    public List<RecoveryPoint> recoveryPoints(String vmId) {
        return scan(points, InventoryKeys.recoveryPointsPrefix(vmId), p -> p, Integer.MAX_VALUE);
    }

    /** The values under {@code prefix} that {@code pick} keeps (it answers null for the others), in key order, at most {@code limit}. */
    private static <V, T> List<T> scan(KeyValueStore<String, V> store, String prefix, Function<V, T> pick, int limit) {
        List<T> found = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
            while (found.size() < limit && it.hasNext()) {
                V v = it.next().value;
                T value = v == null ? null : pick.apply(v);
                if (value != null) {
                    found.add(value);
                }
            }
        }
        return found;
    }

    private <T> T entry(String key, Class<T> type) {
        InventoryRecord record = inventory.get(key);
        return record != null && type.isInstance(record.getEntry()) ? type.cast(record.getEntry()) : null;
    }
}
