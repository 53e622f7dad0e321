package org.myelin.protocol;

/** Checks shared by the command records' constructors. */
final class Fields {
    private Fields() {}

    /**
     * Free text: anything but a line break, which would end the command early, and unpaired
     * surrogates, which UTF-8 cannot carry (they would arrive as '?').
     */
    static String requireText(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException(field + " must not contain a line break");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(field + " must not contain an unpaired surrogate");
                }
            }
        }
        return value;
    }

    /** One space-separated word: not empty, no space, no line break. */
    static String requireWord(String field, String value) {
        requireText(field, value);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (value.indexOf(' ') >= 0) {
            throw new IllegalArgumentException(field + " must not contain a space");
        }
        return value;
    }

    /** Like {@link #requireWord} but {@code null} is allowed. */
    static String optionalWord(String field, String value) {
        return value == null ? null : requireWord(field, value);
    }
}
