-- Client requests reported by workers with USER_IP (as the SQLite V2): one row per
-- (user, access token, ip), the latest report wins. Writers update a key at most every 2 minutes.
CREATE TABLE client_ips (
    user_id      TEXT   NOT NULL,
    access_token TEXT   NOT NULL,
    ip           TEXT   NOT NULL,
    user_agent   TEXT,
    device_id    TEXT,
    last_seen    BIGINT NOT NULL,
    PRIMARY KEY (user_id, access_token, ip)
);
