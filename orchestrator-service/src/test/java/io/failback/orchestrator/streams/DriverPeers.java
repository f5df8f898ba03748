package io.failback.orchestrator.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import io.failback.messages.AzureCommand;
import io.failback.messages.InventoryRecord;
import io.failback.messages.RecoveryPoint;
import io.failback.messages.ReplicationCommand;
import io.failback.messages.VcenterCommand;
import io.failback.orchestrator.saga.Estate;
import io.failback.orchestrator.saga.World;
import io.failback.schemas.InventoryKeys;
import io.failback.schemas.Topic;
import io.failback.schemas.Topics;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The orchestrator's peers for a {@code TopologyTestDriver}: the inventory an estate describes, and agents and a
 * replication engine that answer every command OK, until none is left.
 */
final class DriverPeers {

    private DriverPeers() {
    }

    static void seedInventory(TopologyTestDriver driver, Estate estate) {
        TestInputTopic<String, InventoryRecord> inventory = input(driver, Topics.INVENTORY);
        estate.items.forEach((vm, item) -> inventory.pipeInput(InventoryKeys.item(vm), new InventoryRecord(item)));
        estate.heartbeats.forEach((cs, hb) -> inventory.pipeInput(InventoryKeys.configServer(cs), new InventoryRecord(hb)));
        estate.plans.forEach((id, plan) -> inventory.pipeInput(InventoryKeys.plan(id), new InventoryRecord(plan)));
        estate.members.forEach((id, list) -> list.forEach(m -> inventory.pipeInput(InventoryKeys.planMember(id, m.getVmId()),
                new InventoryRecord(m))));
        TestInputTopic<String, RecoveryPoint> points = input(driver, Topics.RECOVERY_POINTS);
        estate.points.forEach((vm, list) -> list.forEach(p -> points.pipeInput(InventoryKeys.recoveryPoint(vm, p.getPointId()), p)));
    }

    /** Answers every command OK until the orchestrator sends no more; {@code azureSent} sees each Azure command. */
    static void answerEveryCommand(TopologyTestDriver driver, Consumer<List<AzureCommand>> azureSent) {
        TestOutputTopic<String, VcenterCommand> vc = output(driver, Topics.VCENTER_COMMANDS);
        TestOutputTopic<String, AzureCommand> az = output(driver, Topics.AZURE_COMMANDS);
        TestOutputTopic<String, ReplicationCommand> rc = output(driver, Topics.REPLICATION_COMMANDS);
        for (int round = 0; round < 100; round++) {
            List<VcenterCommand> v = vc.readValuesToList();
            List<AzureCommand> a = az.readValuesToList();
            List<ReplicationCommand> r = rc.readValuesToList();
            azureSent.accept(a);
            if (v.isEmpty() && a.isEmpty() && r.isEmpty()) {
                return;
            }
            r.forEach(c -> input(driver, Topics.REPLICATION_EVENTS).pipeInput(c.getJobId(), World.okFor(c)));
            v.forEach(c -> input(driver, Topics.VCENTER_EVENTS).pipeInput(c.getJobId(), World.okFor(c)));
            a.forEach(c -> input(driver, Topics.AZURE_EVENTS).pipeInput(c.getJobId(), World.okFor(c)));
        }
        throw new AssertionError("the agents were still being asked after 100 rounds");
    }

    static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                Instant.ofEpochMilli(Estate.T0), Duration.ZERO);
    }

    static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
