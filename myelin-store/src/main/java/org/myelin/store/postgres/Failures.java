package org.myelin.store.postgres;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Which database errors are worth retrying: the database went away, or was briefly busy. */
final class Failures {
    private Failures() {}

    /**
     * A lost or refused connection (SQLSTATE class 08), a server shutting down or starting
     * (57P01-57P03), a connection the pool could not get in time, or a serialization failure or
     * deadlock (40001, 40P01): the same work may succeed if tried again.
     */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03") || state.equals("40001") || state.equals("40P01")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The innermost message, which names what really failed ("Connection refused", ...). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.toString() : m.replace('\n', ' ');
    }
}
