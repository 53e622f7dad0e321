package org.myelin.core.rows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.RawJson;

/**
 * Decodes rows of Synapse's streams into {@link SynapseRow}s, one decoder per stream of PROTOCOL.md
 * section 9.
 *
 * <p>Decoding never throws: a row of an unknown stream, a row that is not valid JSON, or one whose
 * shape is not the one expected (a missing or extra field, a number where a string belongs, booleans
 * spelt both ways, a key Myelin would re-encode differently) becomes a {@link RawRow}. So
 * {@code decode(stream, row).encode()} is always the row's {@linkplain RawJson#canonicalText()
 * canonical text}, byte for byte: a typed row is only returned when it re-encodes exactly.
 */
public final class SynapseRows {
    private static final Map<String, Function<JsonNode, SynapseRow>> DECODERS = Map.ofEntries(
            Map.entry(EventsRow.STREAM, SynapseRows::events),
            Map.entry(BackfillRow.STREAM, SynapseRows::backfill),
            Map.entry(PresenceRow.STREAM, SynapseRows::presence),
            Map.entry(PresenceFederationRow.STREAM, SynapseRows::presenceFederation),
            Map.entry(TypingRow.STREAM, SynapseRows::typing),
            Map.entry(ReceiptRow.STREAM, SynapseRows::receipt),
            Map.entry(PushRulesRow.STREAM, n -> new PushRulesRow(Shape.text(Shape.array(n, 1).get(0)))),
            Map.entry(PushersRow.STREAM, SynapseRows::pushers),
            Map.entry(CachesRow.STREAM, SynapseRows::caches),
            Map.entry(DeviceListsRow.STREAM, n -> new DeviceListsRow(Shape.text(Shape.array(n, 1).get(0)))),
            Map.entry(ToDeviceRow.STREAM, n -> new ToDeviceRow(Shape.text(Shape.array(n, 1).get(0)))),
            Map.entry(TagAccountDataRow.STREAM, SynapseRows::tagAccountData),
            Map.entry(AccountDataRow.STREAM, SynapseRows::accountData),
            Map.entry(UserSignatureRow.STREAM, n -> new UserSignatureRow(Shape.text(Shape.array(n, 1).get(0)))),
            Map.entry(FederationRow.STREAM, SynapseRows::federation));

    private SynapseRows() {}

    /** Whether {@code stream} has a typed decoder (others always decode to {@link RawRow}). */
    public static boolean isTyped(String stream) {
        return DECODERS.containsKey(stream);
    }

    /**
     * The typed row, or a {@link RawRow} when the stream is unknown or the row does not have the
     * expected shape. Never throws.
     *
     * @throws IllegalArgumentException only if an argument is null
     */
    public static SynapseRow decode(String stream, RawJson row) {
        Require.present("stream", stream);
        Require.present("row", row);
        Function<JsonNode, SynapseRow> decoder = DECODERS.get(stream);
        if (decoder == null) {
            return new RawRow(stream, row);
        }
        try {
            SynapseRow typed = decoder.apply(row.tree());
            // The typed form must give back exactly what came: anything it would spell otherwise
            // (an escape Python does not write, a float where an integer was expected to be) stays raw.
            if (typed.encode().text().equals(row.canonicalText())) {
                return typed;
            }
        } catch (Shape.Mismatch | ProtocolException | IllegalArgumentException e) {
            // Not the expected shape (or not JSON): kept raw, as PROTOCOL.md asks.
        }
        return new RawRow(stream, row);
    }

    /** Decodes each row of a token group (see {@link #decode(String, RawJson)}). */
    public static List<SynapseRow> decodeAll(String stream, List<RawJson> rows) {
        List<SynapseRow> out = new ArrayList<>(rows.size());
        for (RawJson row : rows) {
            out.add(decode(stream, row));
        }
        return out;
    }

    private static SynapseRow events(JsonNode n) {
        Shape.array(n, 2);
        String type = Shape.text(n.get(0));
        JsonNode d = n.get(1);
        if (EventRow.TYPE.equals(type)) {
            Shape.array(d, 9);
            Shape.Booleans b = new Shape.Booleans();
            boolean rejected = b.read(d.get(7));
            boolean outlier = b.read(d.get(8));
            return new EventRow(Shape.text(d.get(0)), Shape.text(d.get(1)), Shape.text(d.get(2)),
                    Shape.textOrNull(d.get(3)), Shape.textOrNull(d.get(4)), Shape.textOrNull(d.get(5)),
                    Shape.textOrNull(d.get(6)), rejected, outlier, b.flavour());
        }
        if (StateRow.TYPE.equals(type)) {
            Shape.array(d, 4);
            return new StateRow(Shape.text(d.get(0)), Shape.text(d.get(1)), Shape.text(d.get(2)),
                    Shape.textOrNull(d.get(3)));
        }
        throw new Shape.Mismatch("unknown events row type " + type);
    }

    private static SynapseRow backfill(JsonNode n) {
        Shape.array(n, 6);
        return new BackfillRow(Shape.text(n.get(0)), Shape.text(n.get(1)), Shape.text(n.get(2)),
                Shape.textOrNull(n.get(3)), Shape.textOrNull(n.get(4)), Shape.textOrNull(n.get(5)));
    }

    private static SynapseRow presence(JsonNode n) {
        Shape.array(n, 7);
        Shape.Booleans b = new Shape.Booleans();
        boolean active = b.read(n.get(6));
        return new PresenceRow(Shape.text(n.get(0)), Shape.text(n.get(1)), Shape.integer(n.get(2)),
                Shape.integer(n.get(3)), Shape.integer(n.get(4)), Shape.textOrNull(n.get(5)), active, b.flavour());
    }

    private static SynapseRow presenceFederation(JsonNode n) {
        Shape.array(n, 2);
        return new PresenceFederationRow(Shape.text(n.get(0)), Shape.text(n.get(1)));
    }

    private static SynapseRow typing(JsonNode n) {
        Shape.array(n, 2);
        return new TypingRow(Shape.text(n.get(0)), Shape.texts(n.get(1)));
    }

    private static SynapseRow receipt(JsonNode n) {
        boolean threaded = n != null && n.isArray() && n.size() == 6;
        Shape.array(n, threaded ? 6 : 5);
        return new ReceiptRow(Shape.text(n.get(0)), Shape.text(n.get(1)), Shape.text(n.get(2)),
                Shape.text(n.get(3)), threaded ? Shape.textOrNull(n.get(4)) : null,
                Shape.object(n.get(threaded ? 5 : 4)), threaded);
    }

    private static SynapseRow pushers(JsonNode n) {
        Shape.array(n, 4);
        Shape.Booleans b = new Shape.Booleans();
        boolean deleted = b.read(n.get(3));
        return new PushersRow(Shape.text(n.get(0)), Shape.text(n.get(1)), Shape.text(n.get(2)), deleted,
                b.flavour());
    }

    private static SynapseRow caches(JsonNode n) {
        Shape.array(n, 3);
        return new CachesRow(Shape.text(n.get(0)), Shape.textsOrNulls(n.get(1)), Shape.integer(n.get(2)));
    }

    private static SynapseRow tagAccountData(JsonNode n) {
        Shape.array(n, 3);
        return new TagAccountDataRow(Shape.text(n.get(0)), Shape.text(n.get(1)), Shape.raw(n.get(2)));
    }

    private static SynapseRow accountData(JsonNode n) {
        Shape.array(n, 3);
        return new AccountDataRow(Shape.text(n.get(0)), Shape.textOrNull(n.get(1)), Shape.text(n.get(2)));
    }

    private static SynapseRow federation(JsonNode n) {
        Shape.array(n, 2);
        return new FederationRow(Shape.text(n.get(0)), Shape.raw(n.get(1)));
    }
}
