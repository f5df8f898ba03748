package io.failback.ctl.cli;

import java.time.Duration;

import io.failback.schemas.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as {@link Durations} reads them ("90" in seconds, "90s", "500ms", "5m", "1h", "PT30S"), bad text as a usage error. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return Durations.parse(text);
        } catch (Durations.InvalidDurationException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
