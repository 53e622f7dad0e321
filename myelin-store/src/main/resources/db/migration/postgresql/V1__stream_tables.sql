-- Rows of every stream, as written by each writer instance (as the SQLite V1). A writer's tokens
-- only grow; rows written in one batch under one token are told apart, and kept in order, by seq.
-- The primary key is also the index every read walks: (stream, instance, token range) in order.
CREATE TABLE stream_rows (
    stream   TEXT    NOT NULL,
    instance TEXT    NOT NULL,
    token    BIGINT  NOT NULL CHECK (token > 0),
    seq      INTEGER NOT NULL CHECK (seq >= 0),
    row_json TEXT    NOT NULL,
    PRIMARY KEY (stream, instance, token, seq)
);

-- How far each writer has persisted each stream: every token of that writer up to this one is
-- committed (or was abandoned and will never be). Readers never ask a writer for more than this.
CREATE TABLE stream_positions (
    stream   TEXT    NOT NULL,
    instance TEXT    NOT NULL,
    token    BIGINT  NOT NULL CHECK (token >= 0),
    PRIMARY KEY (stream, instance)
);

-- The token sequence of each stream, shared by all its writers (Synapse's per-stream sequence).
-- Writers take tokens from it in a short transaction of their own, never inside the append's: a
-- token once handed out is never handed out again, even when the append that took it rolls back
-- or its writer dies, and writers never wait on each other's appends.
CREATE TABLE stream_tokens (
    stream     TEXT   NOT NULL PRIMARY KEY,
    last_token BIGINT NOT NULL CHECK (last_token >= 0)
);
