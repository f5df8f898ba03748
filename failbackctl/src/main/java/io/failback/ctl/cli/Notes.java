package io.failback.ctl.cli;

import io.failback.ctl.kafka.TopicReader;

/** Side remarks on stderr that don't change the outcome. */
final class Notes {

    private Notes() {
    }

    static void unreadable(Console console, TopicReader<?> reader) {
        if (reader.unreadable() > 0) {
            console.err().println("failbackctl: note: skipped " + reader.unreadable() + " unreadable record(s) on "
                    + reader.topic().name());
        }
    }
}
