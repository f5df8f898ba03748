package io.failback.orchestrator.saga;

import io.failback.messages.Consistency;

/** The recovery point a VM fails back to, and how much data that loses (now minus the point's time). */
public record ChosenPoint(String pointId, long time, Consistency consistency, String consistencyId,
                          long dataLossWindowMillis) {
}
