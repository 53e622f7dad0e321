package org.myelin.store;

/** Checks the stream and instance names given to a store. */
public final class Names {
    private Names() {}

    /**
     * Returns {@code value}.
     *
     * @throws IllegalArgumentException if it is null or empty
     */
    public static String require(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
        return value;
    }
}
