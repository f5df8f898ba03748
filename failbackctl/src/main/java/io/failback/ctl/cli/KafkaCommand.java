package io.failback.ctl.cli;

import java.util.concurrent.Callable;

import io.failback.ctl.kafka.FailbackBroker;
import io.failback.schemas.Topic;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A command that talks to the broker: it takes the broker options and connects for the topics it uses. */
abstract class KafkaCommand implements Callable<Integer> {

    protected final Console console;

    @Mixin
    BrokerOptions broker;

    KafkaCommand(Console console) {
        this.console = console;
    }

    /** Connects, failing with exit code 3 when the broker is unreachable or lacks one of the topics. */
    protected FailbackBroker connect(Topic<?, ?>... topics) {
        return FailbackBroker.connect(broker.settings(console.env()), topics);
    }

    /** A command about one job, named by its id. */
    abstract static class ForJob extends KafkaCommand {

        @Parameters(paramLabel = "JOB", description = "The job id (as printed by submit).")
        String jobId;

        ForJob(Console console) {
            super(console);
        }
    }
}
