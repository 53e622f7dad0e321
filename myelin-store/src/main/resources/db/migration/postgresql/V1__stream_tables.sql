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

-- Each stream's tokens come from a PostgreSQL sequence shared by all its writers (Synapse's
-- per-stream sequence), myelin_tokens_<hash of the stream name>, created by the stream's first
-- writer: a token once handed out is never handed out again, even when the append that took it
-- rolls back or its writer dies, and taking one needs no commit of its own.
