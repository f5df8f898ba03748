package io.failback.schemas;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The check a schema registry would make at run time, made at build time instead: a released version
 * and the current schema must each read what the other wrote (full compatibility).
 */
public final class SchemaCompatibility {

    private SchemaCompatibility() {
    }

    /** Human-readable problems; empty when both directions are compatible. */
    public static List<String> problems(Schema released, Schema current) {
        List<String> problems = new ArrayList<>();
        check("current reading released data", current, released, problems);
        check("released reading current data", released, current, problems);
        return problems;
    }

    private static void check(String direction, Schema reader, Schema writer, List<String> problems) {
        SchemaPairCompatibility result = org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(i -> problems.add(
                    direction + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
        }
    }
}
