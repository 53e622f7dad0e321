package org.myelin.server.decode;

import org.myelin.protocol.Dialect;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --dialect 1.66|latest}. */
public final class DialectConverter implements ITypeConverter<Dialect> {
    @Override
    public Dialect convert(String value) {
        try {
            return Dialect.fromConfigName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
