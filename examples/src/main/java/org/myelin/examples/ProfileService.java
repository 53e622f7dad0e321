package org.myelin.examples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.rows.CachesRow;
import org.myelin.node.Myelin;
import org.myelin.node.MyelinNode;

/**
 * A profile service of which several processes run side by side: each caches display names read
 * from a shared database in a {@link ReplicatedCache}, kept coherent through a {@code myelin main}.
 * A process that changes a name commits it, then appends a {@code caches} row invalidating it to
 * the main (its HTTP write API); every process drops the entry when the row reaches it, so once a
 * process has applied the row's token it never reads the old name again.
 *
 * <p>Usage: {@code ProfileService NAME HOST:PORT MAIN_DATA_DIR MAIN_HTTP_URL PROFILES_DB}. It reads
 * commands on stdin and answers each with one line starting with {@code ok }:
 * {@code get USER} ({@code ok value NAME}), {@code set USER NAME} ({@code ok token T}),
 * {@code await T} ({@code ok reached T}), {@code quit}. It prints {@code ok ready} once its link is
 * established.
 */
public final class ProfileService {
    private static final Pattern TOKENS = Pattern.compile("\"tokens\":\\[(\\d+)]");

    private final Path db;
    private final URI mainHttp;
    private final HttpClient http = HttpClient.newHttpClient();
    private final CacheInvalidations caches = new CacheInvalidations();
    private final ReplicatedCache<String> names = caches.register("get_profile", 10_000);

    private ProfileService(Path db, URI mainHttp) {
        this.db = db;
        this.mainHttp = mainHttp;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: ProfileService NAME HOST:PORT MAIN_DATA_DIR MAIN_HTTP_URL PROFILES_DB");
            System.exit(2);
        }
        String[] hostPort = args[1].split(":");
        ProfileService service = new ProfileService(Path.of(args[4]), URI.create(args[3]));
        service.createTable();
        try (MyelinNode node = Myelin.worker(args[0])
                .tcp(hostPort[0], Integer.parseInt(hostPort[1]))
                .catchUpFrom(Path.of(args[2]))
                .caches(service.caches)
                .start()) {
            node.established().get(60, TimeUnit.SECONDS);
            service.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
    }

    private void serve(BufferedReader in) throws Exception {
        System.out.println("ok ready");
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split(" ", 3);
            String answer = switch (words[0]) {
                case "get" -> "value " + names.get(CacheKey.of(words[1]), k -> load(words[1]));
                case "set" -> "token " + set(words[1], words[2]);
                case "await" -> {
                    caches.awaitToken("master", Long.parseLong(words[1])).get(60, TimeUnit.SECONDS);
                    yield "reached " + words[1];
                }
                case "quit" -> null;
                default -> "error unknown command " + words[0];
            };
            if (answer == null) {
                return;
            }
            System.out.println("ok " + answer);
            System.out.flush();
        }
    }

    /** Commits the new name, then invalidates it everywhere: the returned token is the invalidation's. */
    private long set(String user, String name) throws Exception {
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO profiles VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name")) {
            p.setString(1, user);
            p.setString(2, name);
            p.executeUpdate();
        }
        String row = CachesRow.now("get_profile", List.of(user)).encode().text();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        mainHttp.resolve("/_myelin/v1/streams/" + CacheInvalidations.STREAM))
                .POST(HttpRequest.BodyPublishers.ofString("[" + row + "]")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = TOKENS.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("the main refused the invalidation: " + response.statusCode() + " "
                    + response.body());
        }
        return Long.parseLong(m.group(1));
    }

    private String load(String user) {
        try (Connection c = connect();
                PreparedStatement p = c.prepareStatement("SELECT name FROM profiles WHERE user_id = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + db, e);
        }
    }

    private void createTable() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS profiles (user_id TEXT PRIMARY KEY, name TEXT)");
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 30000"); // the other process may be writing
        }
        return c;
    }
}
