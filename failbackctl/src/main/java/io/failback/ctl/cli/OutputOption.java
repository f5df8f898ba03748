package io.failback.ctl.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.failback.ctl.view.Machine;
import picocli.CommandLine.Option;

/** {@code --output text|json|csv}: the text tables for people, or the same fields for scripts. */
public final class OutputOption {

    /** The ways a listing can be printed. */
    public enum Output { TEXT, JSON, CSV }

    /** text | json | csv */
    public static final class Outputs extends KebabChoice<Output> {
        public Outputs() {
            super(Output.class);
        }
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", converter = Outputs.class,
            completionCandidates = Outputs.class,
            description = "text (default), json (one JSON document) or csv (a header row, then one row per item; times in UTC).")
    Output output = Output.TEXT;

    /**
     * Prints one of the three renderings: {@code text} lines, {@code json} as one document, or {@code csv} rows
     * with the named columns. Only the chosen one is built.
     */
    void print(Console console, Supplier<List<String>> text, Supplier<Object> json, List<String> columns,
               Supplier<List<Map<String, Object>>> csv) {
        List<String> lines = switch (output) {
            case TEXT -> text.get();
            case JSON -> List.of(Machine.json(json.get()));
            case CSV -> Machine.csv(columns, csv.get());
        };
        lines.forEach(console.out()::println);
    }

    boolean text() {
        return output == Output.TEXT;
    }
}
