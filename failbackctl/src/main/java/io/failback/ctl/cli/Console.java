package io.failback.ctl.cli;

import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;

/** What a command sees of its surroundings: environment, output streams, whether stdout is a terminal, time zone. */
public record Console(Map<String, String> env, PrintStream out, PrintStream err, boolean terminal, ZoneId zone) {

    /** The operator's name: $USER, else the JVM's user name. */
    public String user() {
        String user = env.get("USER");
        if (user == null || user.isBlank()) {
            user = System.getProperty("user.name", "");
        }
        return user.isBlank() ? "unknown" : user;
    }
}
