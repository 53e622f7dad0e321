package org.myelin.core.rows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.myelin.protocol.RawJson;

/** encode(decode(row)) is the row, for generated rows of every stream, in both flavours. */
class SynapseRowProperties {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Property(tries = 600)
    void typedRowsSurviveEncodeThenDecodeInBothFlavours(@ForAll("rows") SynapseRow row,
            @ForAll RowFlavour flavour) {
        RawJson encoded = row.encode(flavour);
        SynapseRow decoded = SynapseRows.decode(row.stream(), encoded);
        assertThat(decoded).isNotInstanceOf(RawRow.class);
        assertThat(decoded.encode().text()).isEqualTo(encoded.text());
        assertThat(decoded.encode(flavour)).isEqualTo(encoded);
        assertThat(withFlavour(decoded, row)).isEqualTo(row);
    }

    @Property(tries = 400)
    void anyJsonRowOfAnyStreamReEncodesToItsCanonicalText(@ForAll("streams") String stream,
            @ForAll("jsonRows") JsonNode tree) {
        RawJson row = RawJson.fromTree(tree);
        assertThat(SynapseRows.decode(stream, row).encode().text()).isEqualTo(row.canonicalText());
    }

    /** The decoded row with the flavour of the original, to compare the other fields. */
    private static SynapseRow withFlavour(SynapseRow decoded, SynapseRow original) {
        if (decoded instanceof EventRow e && original instanceof EventRow o) {
            return new EventRow(e.eventId(), e.roomId(), e.eventType(), e.stateKey(), e.redacts(), e.relatesTo(),
                    e.membership(), e.rejected(), e.outlier(), o.flavour());
        }
        if (decoded instanceof PresenceRow p && original instanceof PresenceRow o) {
            return new PresenceRow(p.userId(), p.state(), p.lastActiveTs(), p.lastFederationUpdateTs(),
                    p.lastUserSyncTs(), p.statusMsg(), p.currentlyActive(), o.flavour());
        }
        if (decoded instanceof PushersRow p && original instanceof PushersRow o) {
            return new PushersRow(p.userId(), p.appId(), p.pushkey(), p.deleted(), o.flavour());
        }
        return decoded;
    }

    @Provide
    Arbitrary<String> streams() {
        return Arbitraries.of("events", "backfill", "presence", "presence_federation", "typing", "receipts",
                "push_rules", "pushers", "caches", "device_lists", "to_device", "tag_account_data",
                "account_data", "user_signature", "federation", "some_new_stream");
    }

    private static Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30),
                Arbitraries.of("@alice:example.org", "!room:example.org", "$event", "", "m.room.member"));
    }

    private static Arbitrary<String> maybe() {
        return text().injectNull(0.3);
    }

    private static Arbitrary<Long> ts() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 2_000_000_000_000L));
    }

    private static Arbitrary<RawJson> object() {
        return Arbitraries.maps(text(), Arbitraries.oneOf(ts().map(F::numberNode), text().map(F::textNode)))
                .ofMaxSize(3)
                .map(m -> {
                    ObjectNode o = F.objectNode();
                    m.forEach(o::set);
                    return RawJson.fromTree(o);
                });
    }

    private static Arbitrary<RawJson> anyJson() {
        return Arbitraries.oneOf(object(), text().map(s -> RawJson.fromTree(F.textNode(s))),
                ts().map(n -> RawJson.fromTree(F.numberNode(n))), Arbitraries.just(RawJson.of("null")));
    }

    @Provide
    Arbitrary<SynapseRow> rows() {
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<RowFlavour> flavour = Arbitraries.of(RowFlavour.class);
        Arbitrary<SynapseRow> ev = Combinators.combine(text(), text(), text(), maybe(), maybe(), maybe(), maybe(),
                Combinators.combine(bool, bool, flavour).as(List::of))
                .as((a, b, c, d, e, f, g, h) -> new EventRow(a, b, c, d, e, f, g, (Boolean) h.get(0),
                        (Boolean) h.get(1), (RowFlavour) h.get(2)));
        Arbitrary<SynapseRow> state = Combinators.combine(text(), text(), text(), maybe()).as(StateRow::new);
        Arbitrary<SynapseRow> backfill = Combinators.combine(text(), text(), text(), maybe(), maybe(), maybe())
                .as(BackfillRow::new);
        Arbitrary<SynapseRow> presence = Combinators.combine(text(), text(), ts(), ts(), ts(), maybe(), bool, flavour)
                .as(PresenceRow::new);
        Arbitrary<SynapseRow> presenceFederation = Combinators.combine(text(), text()).as(PresenceFederationRow::new);
        Arbitrary<SynapseRow> typing = Combinators.combine(text(), text().list().ofMaxSize(4)).as(TypingRow::new);
        Arbitrary<SynapseRow> receipt = Combinators.combine(text(), text(), text(), text(), maybe(), object(),
                Arbitraries.of(true, false))
                .as((a, b, c, d, thread, data, threaded) -> new ReceiptRow(a, b, c, d, threaded ? thread : null,
                        data, threaded));
        Arbitrary<SynapseRow> pushers = Combinators.combine(text(), text(), text(), bool, flavour).as(PushersRow::new);
        Arbitrary<SynapseRow> caches = Combinators.combine(text(), maybe().list().ofMaxSize(4).injectNull(0.2), ts())
                .as(CachesRow::new);
        Arbitrary<SynapseRow> tags = Combinators.combine(text(), text(),
                Arbitraries.oneOf(object(), object().map(o -> RawJson.fromTree(F.textNode(o.text())))))
                .as(TagAccountDataRow::new);
        Arbitrary<SynapseRow> accountData = Combinators.combine(text(), maybe(), text()).as(AccountDataRow::new);
        Arbitrary<SynapseRow> federation = Combinators.combine(text(), anyJson()).as(FederationRow::new);
        return Arbitraries.oneOf(ev, state, backfill, presence, presenceFederation, typing, receipt,
                text().map(PushRulesRow::new), pushers, caches, text().map(DeviceListsRow::new),
                text().map(ToDeviceRow::new), tags, accountData, text().map(UserSignatureRow::new), federation);
    }

    /** Arrays of up to ten scalars, small arrays and objects: right or wrong shapes for any stream. */
    @Provide
    Arbitrary<JsonNode> jsonRows() {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                text().map(s -> (JsonNode) F.textNode(s)),
                ts().map(n -> (JsonNode) F.numberNode(n)),
                Arbitraries.of(0, 1).map(n -> (JsonNode) F.numberNode(n)),
                Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)),
                Arbitraries.doubles().between(-1e6, 1e6).map(d -> (JsonNode) F.numberNode(new java.math.BigDecimal(d))),
                Arbitraries.just((JsonNode) F.nullNode()),
                Arbitraries.of("ev", "state").map(s -> (JsonNode) F.textNode(s)));
        Arbitrary<JsonNode> inner = scalar.list().ofMaxSize(10).map(SynapseRowProperties::array);
        Arbitrary<JsonNode> element = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(1, inner),
                net.jqwik.api.Tuple.of(1, object().map(RawJson::tree)));
        return element.list().ofMaxSize(10).map(SynapseRowProperties::array);
    }

    private static JsonNode array(List<JsonNode> nodes) {
        ArrayNode a = F.arrayNode();
        nodes.forEach(a::add);
        return a;
    }
}
