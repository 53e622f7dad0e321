package org.myelin.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSON document kept as the text it arrived in, parsed only when someone asks.
 *
 * <p>Rows of {@code RDATA} are carried this way so that routing by stream and token never pays
 * for JSON. Equality is by text. A value made by {@link #of(String)} is not validated: a broken
 * document is reported by {@link #tree()} when first read.
 */
public final class RawJson {
    private final String text;
    /** The compact ASCII form, computed at most once per value (racy but idempotent). */
    private String canonical;

    private RawJson(String text, String canonical) {
        this.text = text;
        this.canonical = canonical;
    }

    /**
     * Wraps JSON text without parsing it.
     *
     * @throws IllegalArgumentException if the text is empty or holds a line break
     */
    public static RawJson of(String text) {
        Fields.requireText("row", text);
        if (text.isEmpty()) {
            throw new IllegalArgumentException("row must not be empty");
        }
        return new RawJson(text, null);
    }

    /** Wraps text cut from a received line, which the framing already proved free of line breaks. */
    static RawJson fromLine(String text) {
        return new RawJson(text, null);
    }

    /** Encodes a tree in the canonical form. */
    public static RawJson fromTree(JsonNode tree) {
        String text = Json.write(tree);
        return new RawJson(text, text);
    }

    /** Encodes any value Jackson can map (lists, maps, strings, numbers, records). */
    public static RawJson fromValue(Object value) {
        return fromTree(Json.mapper().valueToTree(value));
    }

    /** The text as received or built. */
    public String text() {
        return text;
    }

    /**
     * Parses the text. Each call parses afresh and returns a tree the caller may keep.
     *
     * @throws ProtocolException if the text is not valid JSON
     */
    public JsonNode tree() {
        return Json.parse(text);
    }

    /**
     * The text in compact ASCII-escaped form: the text itself when it already is (the common case,
     * checked without parsing), otherwise a re-encoding.
     *
     * @throws ProtocolException if the text has to be re-encoded and is not valid JSON
     */
    public String canonicalText() {
        String c = canonical;
        if (c == null) {
            c = Json.isCompactAscii(text) ? text : Json.write(tree());
            canonical = c;
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawJson other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Wraps text already in canonical form (compact ASCII-escaped JSON), such as a row a store
     * wrote after checking it, without scanning it again: a catch-up reads millions of them. The
     * caller vouches for the form; {@link #canonicalText()} returns the text as it is.
     *
     * @throws IllegalArgumentException if the text is empty
     */
    public static RawJson ofCanonical(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("row must not be empty");
        }
        return new RawJson(text, text);
    }
}
