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

    /**
     * Wraps text a store wrote after parsing it: compact ASCII-escaped JSON on one line, so neither
     * the line-break check of {@link #of} nor the compactness scan of {@link #canonicalText} runs
     * again for every row streamed or served (they were a tenth of a busy fan-out's CPU).
     * Only for text that is known to be in that form; anything else must go through {@link #of}.
     */
    public static RawJson ofStored(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("row must not be empty");
        }
        return new RawJson(text, text);
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
}
