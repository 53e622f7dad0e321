package org.myelin.core.clientip;

/** Where reported client addresses are kept: a row per (user, access token, ip), last write wins. */
@FunctionalInterface
public interface ClientIpStore {
    /** Inserts or updates the row of {@code ip}'s key. May block (a database write). */
    void upsert(ClientIp ip);
}
