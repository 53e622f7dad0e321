package org.myelin.node.config;

import java.util.List;

/**
 * A configuration file that cannot be used: every problem found, each as {@code key.path: reason}
 * (for example {@code listeners[1].port: must be 1-65535, got 70000}), not just the first.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> errors;

    /** @param errors the problems, each starting with the key's path */
    public ConfigException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    /** The problems, one line each, in the order of the file. */
    public List<String> errors() {
        return errors;
    }
}
