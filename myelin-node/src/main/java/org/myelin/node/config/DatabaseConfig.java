package org.myelin.node.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code database:} section, as Synapse's: {@code name: sqlite3} or {@code name: psycopg2}. */
public sealed interface DatabaseConfig {
    /**
     * {@code name: sqlite3}: {@code args.database} is Myelin's data directory (the SQLite store in it).
     *
     * @param directory the data directory
     */
    record Sqlite(Path directory) implements DatabaseConfig {}

    /**
     * {@code name: psycopg2}: the PostgreSQL database several writers share.
     *
     * @param host the server (default {@code localhost})
     * @param port its port (default 5432)
     * @param database the database ({@code args.database} or {@code args.dbname})
     * @param user the user, or null
     * @param password the password, or null
     * @param sslmode libpq's {@code sslmode}, or null
     */
    record Postgres(String host, int port, String database, String user, String password, String sslmode)
            implements DatabaseConfig {
        /** The {@code jdbc:postgresql://} URL {@code --database} takes. */
        public String jdbcUrl() {
            StringBuilder url = new StringBuilder("jdbc:postgresql://")
                    .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/')
                    .append(encode(database));
            char sep = '?';
            for (String[] p : new String[][] {{"user", user}, {"password", password}, {"sslmode", sslmode}}) {
                if (p[1] != null) {
                    url.append(sep).append(p[0]).append('=').append(encode(p[1]));
                    sep = '&';
                }
            }
            return url.toString();
        }

        private static String encode(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Override
        public String toString() {
            return "Postgres[host=" + host + ", port=" + port + ", database=" + database + ", user=" + user
                    + ", password=" + (password == null ? "none" : "(hidden)") + ", sslmode=" + sslmode + "]";
        }
    }
}
