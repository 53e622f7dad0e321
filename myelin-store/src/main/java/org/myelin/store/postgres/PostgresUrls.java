package org.myelin.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The two spellings of a PostgreSQL address that {@code --database} accepts. */
public final class PostgresUrls {
    private PostgresUrls() {}

    /** Whether {@code url} names a PostgreSQL database (either spelling). */
    public static boolean isPostgres(String url) {
        return url != null && (url.startsWith("jdbc:postgresql:") || url.startsWith("postgresql://")
                || url.startsWith("postgres://"));
    }

    /**
     * {@code jdbc:postgresql://...} as is; {@code postgresql://[user[:password]@]host[:port]/db[?k=v&...]}
     * (libpq's URI, also {@code postgres://}) turned into the JDBC form with user and password as
     * parameters.
     *
     * @throws IllegalArgumentException if it is neither, or the URI is malformed
     */
    public static String toJdbc(String url) {
        if (url == null) {
            throw new IllegalArgumentException("no database URL");
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("not a PostgreSQL URL (jdbc:postgresql://host:port/db?user=..."
                    + " or postgresql://user@host:port/db): " + redact(url));
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed PostgreSQL URI " + redact(url) + ": " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("PostgreSQL URI without a host: " + redact(url));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String db = path.startsWith("/") ? path.substring(1) : path;
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append('/').append(db);
        List<String> params = new ArrayList<>();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            params.add("user=" + user);
            if (colon >= 0) {
                params.add("password=" + userInfo.substring(colon + 1));
            }
        }
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            params.add(uri.getRawQuery());
        }
        if (!params.isEmpty()) {
            jdbc.append('?').append(String.join("&", params));
        }
        return jdbc.toString();
    }

    /** The {@code currentSchema} parameter of a JDBC URL, if it has one. */
    static java.util.Optional<String> currentSchema(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return java.util.Optional.empty();
        }
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
            if (param.startsWith("currentSchema=")) {
                return java.util.Optional.of(URLDecoder.decode(param.substring("currentSchema=".length()),
                        StandardCharsets.UTF_8));
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code url} with any password replaced by {@code ***}, for messages and logs. */
    public static String redact(String url) {
        if (url == null) {
            return "null";
        }
        String out = url.replaceAll("(?i)(password=)[^&]*", "$1***");
        return out.replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@");
    }

    /** {@code host:port/db} of a JDBC URL, without parameters: what a message about it names. */
    static String describe(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        int q = rest.indexOf('?');
        String place = q < 0 ? rest : rest.substring(0, q);
        return "PostgreSQL " + URLDecoder.decode(place.startsWith("//") ? place.substring(2) : place,
                StandardCharsets.UTF_8);
    }
}
