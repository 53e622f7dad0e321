package org.myelin.core.rows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.capture.CaptureEntry;
import org.myelin.protocol.capture.CaptureFormat;

/**
 * Every row a real Synapse 1.66 sent (RDATA over TCP and Redis, and the HTTP catch-up answers)
 * decodes to a typed row and re-encodes to the identical bytes.
 */
class VectorRowsTest {
    private static final Pattern URL_STREAM = Pattern.compile("get_repl_stream_updates/([^/?]+)/");

    record VectorRow(String source, String stream, RawJson row) {}

    /** RDATA rows of every capture, whatever the transport or direction. */
    static List<VectorRow> rdataRows() {
        List<VectorRow> out = new ArrayList<>();
        for (Path file : Vectors.files()) {
            List<String> lines = Vectors.lines(file);
            for (int i = 0; i < lines.size(); i++) {
                for (CaptureEntry e : CaptureFormat.read(lines.get(i), i + 1)) {
                    String text = new String(e.line(), StandardCharsets.UTF_8);
                    if (!text.startsWith("RDATA ")) {
                        continue;
                    }
                    Command command;
                    try {
                        command = CommandCodec.parse(text);
                    } catch (ProtocolException bad) {
                        continue; // malformed-input.txt: bad on purpose
                    }
                    RdataCommand r = (RdataCommand) command;
                    out.add(new VectorRow(file.getFileName() + ":" + (i + 1), r.stream(), r.row()));
                }
            }
        }
        return out;
    }

    /**
     * Rows of the HTTP catch-up answers. A heading names the stream in its URL, or as its first word;
     * the one that reuses a transaction id gets the previous answer again, so keeps its stream.
     */
    static List<VectorRow> catchUpRows() {
        List<VectorRow> out = new ArrayList<>();
        List<String> lines = Vectors.lines(Vectors.file("http-get_repl_stream_updates-sqlite.txt"));
        String stream = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("###")) {
                Matcher m = URL_STREAM.matcher(line);
                String[] words = line.substring(3).trim().split(" ");
                if (m.find()) {
                    stream = m.group(1);
                } else if (SynapseStreams.NAMES.contains(words[0])) {
                    stream = words[0];
                }
            } else if (line.startsWith("{\"updates\"")) {
                for (JsonNode update : Json.parse(line).get("updates")) {
                    out.add(new VectorRow("http:" + (i + 1), stream, RawJson.fromTree(update.get(1))));
                }
            }
        }
        return out;
    }

    @Test
    void everyRdataRowDecodesTypedAndReEncodesIdentically() {
        List<VectorRow> rows = rdataRows();
        assertThat(rows).hasSizeGreaterThan(70);
        assertThat(rows).extracting(VectorRow::stream).contains("events", "presence", "typing", "receipts",
                "account_data", "tag_account_data", "to_device", "device_lists", "push_rules");
        for (VectorRow v : rows) {
            checkTypedAndIdentical(v);
        }
    }

    @Test
    void everyCatchUpRowDecodesTypedAndReEncodesIdentically() {
        List<VectorRow> rows = catchUpRows();
        assertThat(rows).hasSizeGreaterThan(30);
        for (VectorRow v : rows) {
            checkTypedAndIdentical(v);
        }
    }

    @Test
    void theSqliteCapturesAreReadAsTheSqliteFlavourAndCanBeWrittenAsPostgres() {
        List<SynapseRow> flavoured = new ArrayList<>();
        for (VectorRow v : rdataRows()) {
            SynapseRow row = SynapseRows.decode(v.stream(), v.row());
            if (row instanceof EventRow e) {
                assertThat(e.flavour()).isEqualTo(RowFlavour.SQLITE);
                flavoured.add(row);
            } else if (row instanceof PresenceRow p) {
                assertThat(p.flavour()).isEqualTo(RowFlavour.SQLITE);
                flavoured.add(row);
            }
        }
        assertThat(flavoured).hasSizeGreaterThan(20);
        for (SynapseRow row : flavoured) {
            RawJson postgres = row.encode(RowFlavour.POSTGRES);
            assertThat(postgres.text()).doesNotContain(",0]").doesNotContain(",1]");
            SynapseRow back = SynapseRows.decode(row.stream(), postgres);
            assertThat(back.encode().text()).isEqualTo(postgres.text());
            assertThat(back.encode(RowFlavour.SQLITE)).isEqualTo(row.encode());
        }
    }

    private static void checkTypedAndIdentical(VectorRow v) {
        SynapseRow row = SynapseRows.decode(v.stream(), v.row());
        assertThat(row).as("%s %s %s", v.source(), v.stream(), v.row()).isNotInstanceOf(RawRow.class);
        assertThat(row.stream()).isEqualTo(v.stream());
        assertThat(row.encode().text()).as(v.source()).isEqualTo(v.row().canonicalText());
        assertThat(row.encode().text()).as(v.source()).isEqualTo(v.row().text());
    }
}
