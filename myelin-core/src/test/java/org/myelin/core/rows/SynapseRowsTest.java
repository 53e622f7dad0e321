package org.myelin.core.rows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.RawJson;

class SynapseRowsTest {

    private static SynapseRow decode(String stream, String json) {
        return SynapseRows.decode(stream, RawJson.of(json));
    }

    @Test
    void readsBooleansInBothSpellingsAndWritesThemBackAsRead() {
        String sqlite = "[\"ev\",[\"$e\",\"!r:x\",\"m.room.member\",\"@a:x\",null,null,\"join\",1,0]]";
        String postgres = "[\"ev\",[\"$e\",\"!r:x\",\"m.room.member\",\"@a:x\",null,null,\"join\",true,false]]";
        EventRow a = (EventRow) decode("events", sqlite);
        EventRow b = (EventRow) decode("events", postgres);
        assertThat(a.rejected()).isTrue();
        assertThat(a.outlier()).isFalse();
        assertThat(a.flavour()).isEqualTo(RowFlavour.SQLITE);
        assertThat(b.flavour()).isEqualTo(RowFlavour.POSTGRES);
        assertThat(a.encode().text()).isEqualTo(sqlite);
        assertThat(b.encode().text()).isEqualTo(postgres);
        assertThat(a.encode(RowFlavour.POSTGRES).text()).isEqualTo(postgres);
        assertThat(b.encode(RowFlavour.SQLITE).text()).isEqualTo(sqlite);
    }

    @Test
    void pushersAndPresenceBooleansToo() {
        PushersRow p = (PushersRow) decode("pushers", "[\"@a:x\",\"app\",\"key\",true]");
        assertThat(p.deleted()).isTrue();
        assertThat(p.encode(RowFlavour.SQLITE).text())
                .as("Synapse adds deleted as a Python bool, even on SQLite")
                .isEqualTo("[\"@a:x\",\"app\",\"key\",true]");
        PushersRow q0 = (PushersRow) decode("pushers", "[\"@a:x\",\"app\",\"key\",0]");
        assertThat(q0.deleted()).isFalse();
        assertThat(q0.encode().text()).isEqualTo("[\"@a:x\",\"app\",\"key\",0]");
        assertThat(q0.encode(RowFlavour.SQLITE).text()).isEqualTo("[\"@a:x\",\"app\",\"key\",false]");
        PresenceRow q = (PresenceRow) decode("presence", "[\"@a:x\",\"online\",1,2,3,null,0]");
        assertThat(q).isEqualTo(new PresenceRow("@a:x", "online", 1, 2, 3, null, false, RowFlavour.SQLITE));
    }

    @Test
    void unexpectedShapesStayRaw() {
        List<String[]> cases = List.of(
                new String[] {"events", "[\"ev\",[\"$e\",\"!r:x\",\"m.room.message\",null,null,null,null,1,true]]"},
                new String[] {"events", "[\"ev\",[\"$e\",\"!r:x\",\"m.room.message\",null,null,null,null,2,0]]"},
                new String[] {"events", "[\"ex_outlier\",[\"$e\"]]"},
                new String[] {"receipts", "[\"!r:x\",\"m.read\",\"@a:x\",\"$e\",{\"ts\":1},null]"},
                new String[] {"receipts", "[\"!r:x\",\"m.read\",\"@a:x\",\"$e\",null,{\"ts\":1},1]"},
                new String[] {"presence", "[\"@a:x\",\"online\",1.5,2,3,null,0]"},
                new String[] {"typing", "[\"!r:x\",[\"@a:x\",7]]"},
                new String[] {"caches", "[\"f\",[\"a\",1],5]"},
                new String[] {"push_rules", "{\"user_id\":\"@a:x\"}"},
                new String[] {"device_lists", "[\"@a:x\",true]"},
                new String[] {"account_data", "[\"@a:x\",null,\"t\\u0041\"]"},
                new String[] {"un_partial_stated_room", "[\"!r:x\"]"});
        for (String[] c : cases) {
            SynapseRow row = decode(c[0], c[1]);
            assertThat(row).as(Arrays.toString(c)).isEqualTo(new RawRow(c[0], RawJson.of(c[1])));
            assertThat(row.encode().text()).isEqualTo(c[1]);
        }
    }

    @Test
    void receiptsInBothFormsKeepTheirForm() {
        String old = "[\"!r:x\",\"m.read\",\"@a:x\",\"$e\",{\"ts\":1}]";
        String unthreaded = "[\"!r:x\",\"m.read\",\"@a:x\",\"$e\",null,{\"ts\":1}]";
        String threaded = "[\"!r:x\",\"m.read\",\"@a:x\",\"$e\",\"$root\",{\"ts\":1}]";
        ReceiptRow a = (ReceiptRow) decode("receipts", old);
        ReceiptRow b = (ReceiptRow) decode("receipts", unthreaded);
        ReceiptRow c = (ReceiptRow) decode("receipts", threaded);
        assertThat(a).isEqualTo(new ReceiptRow("!r:x", "m.read", "@a:x", "$e", RawJson.of("{\"ts\":1}")));
        assertThat(b.withThreadId()).isTrue();
        assertThat(b.threadId()).isNull();
        assertThat(c.threadId()).isEqualTo("$root");
        assertThat(a.encode().text()).isEqualTo(old);
        assertThat(b.encode().text()).isEqualTo(unthreaded);
        assertThat(c.encode().text()).isEqualTo(threaded);
        assertThatThrownBy(() -> new ReceiptRow("!r:x", "m.read", "@a:x", "$e", "$t", RawJson.of("{}"), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidJsonStaysRawInsteadOfThrowing() {
        assertThat(decode("events", "[\"ev\",")).isInstanceOf(RawRow.class);
        assertThat(decode("events", "nope")).isInstanceOf(RawRow.class);
    }

    @Test
    void cachesRowsCarryKeysOrNullForTheWholeCache() {
        CachesRow one = (CachesRow) decode("caches", "[\"get_user_by_id\",[\"@a:x\"],1700000000000]");
        assertThat(one.keys()).containsExactly("@a:x");
        assertThat(one.invalidatesAll()).isFalse();
        CachesRow all = (CachesRow) decode("caches", "[\"get_user_by_id\",null,1700000000000]");
        assertThat(all.invalidatesAll()).isTrue();
        CachesRow withNull = (CachesRow) decode("caches", "[\"get_e2e\",[\"@a:x\",null],1]");
        assertThat(withNull.keys()).containsExactly("@a:x", null);
        assertThat(new CachesRow("cs_cache_fake", List.of("!r:x", "@a:x"), 9).encode().text())
                .isEqualTo("[\"cs_cache_fake\",[\"!r:x\",\"@a:x\"],9]");
    }

    @Test
    void tagDataSentAsAStringIsKeptAsAStringAndUnwrappedOnRequest() {
        TagAccountDataRow t = (TagAccountDataRow) decode("tag_account_data",
                "[\"@a:x\",\"!r:x\",\"{\\\"u.work\\\":{\\\"order\\\":0.5}}\"]");
        assertThat(t.data().tree().isTextual()).isTrue();
        assertThat(t.tags().text()).isEqualTo("{\"u.work\":{\"order\":0.5}}");
    }

    @Test
    void nonAsciiIsWrittenEscapedAsPythonDoes() {
        SynapseRow row = decode("presence", "[\"@a:x\",\"online\",1,2,3,\"caf\u00e9\",true]");
        assertThat(row).isInstanceOf(PresenceRow.class);
        assertThat(row.encode().text()).isEqualTo("[\"@a:x\",\"online\",1,2,3,\"caf\\u00e9\",true]");
    }

    @Test
    void recordsRefuseMissingRequiredFields() {
        assertThatThrownBy(() -> new StateRow(null, "t", "", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypingRow("!r:x", Arrays.asList("@a:x", null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SynapseRows.decode(null, RawJson.of("[]")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTypedHandlerGetsDecodedRowsAndPositions() throws Exception {
        java.util.List<String> seen = new java.util.ArrayList<>();
        TypedRowHandler typed = new TypedRowHandler() {
            @Override
            public void onRows(String stream, String instance, long token, List<SynapseRow> rows) {
                rows.forEach(r -> seen.add(token + " " + r));
            }

            @Override
            public void onPosition(String stream, String instance, long token) {
                seen.add("position " + token);
            }
        };
        typed.asDataHandler().onRows("typing", "master", 3,
                List.of(RawJson.of("[\"!r:x\",[\"@a:x\"]]"), RawJson.of("[1]")));
        typed.asDataHandler().onPosition("typing", "master", 4);
        assertThat(seen).containsExactly("3 " + new TypingRow("!r:x", List.of("@a:x")),
                "3 " + new RawRow("typing", RawJson.of("[1]")), "position 4");
    }
}
