package io.failback.ctl.kafka;

import java.util.List;

import io.failback.messages.StatusEvent;
import io.failback.schemas.Topics;
import org.apache.kafka.common.TopicPartition;

/** A reader of the status topic: what {@code watch}, {@code show}, {@code jobs} and {@code retry} fold into jobs. */
public final class StatusReader extends TopicReader<StatusEvent> {

    StatusReader(ClientSettings settings, List<TopicPartition> partitions) {
        super(settings, Topics.STATUS, partitions);
    }
}
