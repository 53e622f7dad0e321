-- Rows of every stream, as written by each writer instance. A writer's tokens only grow; rows
-- written in one batch under one token are told apart, and kept in order, by seq (0, 1, ...).
-- The primary key is also the index every read walks: (stream, instance, token range) in order.
CREATE TABLE stream_rows (
    stream   TEXT    NOT NULL,
    instance TEXT    NOT NULL,
    token    INTEGER NOT NULL CHECK (token > 0),
    seq      INTEGER NOT NULL CHECK (seq >= 0),
    row_json TEXT    NOT NULL,
    PRIMARY KEY (stream, instance, token, seq)
);

-- The last token each writer wrote to each stream, updated in the same transaction as the rows, so
-- that a restarted writer continues after it and readers know how far a writer has got.
CREATE TABLE stream_positions (
    stream   TEXT    NOT NULL,
    instance TEXT    NOT NULL,
    token    INTEGER NOT NULL CHECK (token >= 0),
    PRIMARY KEY (stream, instance)
) WITHOUT ROWID;
