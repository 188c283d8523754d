-- Corpus-level state kept across runs: near-duplicate signatures and groups, and cross-article stories.
-- A row in doc_signatures also marks its document as processed by dedupe and story merge (same transaction).
CREATE TABLE doc_signatures (
    seq INTEGER PRIMARY KEY,        -- insertion order: a reader loads only signatures newer than it has seen
    doc_id TEXT NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
    signature BLOB NOT NULL         -- MinHash hash values, little-endian uint32
);

CREATE TABLE dup_groups (
    id INTEGER PRIMARY KEY
);

CREATE TABLE dup_members (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES dup_groups(id) ON DELETE CASCADE,
    matched TEXT,                   -- the earlier member this one was found similar to (NULL for the first)
    similarity REAL                 -- estimated Jaccard similarity of word shingles to `matched`
);
CREATE INDEX dup_members_group ON dup_members(group_id);

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    match_key TEXT NOT NULL,        -- CAMEO root (or PLOVER when there is no CAMEO code)
    cameo TEXT, plover TEXT,
    source_code TEXT, source_name TEXT, source_key TEXT,
    target_code TEXT, target_name TEXT, target_key TEXT,
    date TEXT,                      -- the first mention's event date: the centre of the merge window
    place_name TEXT, place_country TEXT, lat REAL, lon REAL,
    created_at TEXT NOT NULL
);
CREATE INDEX stories_match ON stories(match_key, source_key, date);
CREATE INDEX stories_date ON stories(date);

CREATE TABLE story_events (
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, event_id),
    FOREIGN KEY (doc_id, event_id) REFERENCES events(doc_id, event_id) ON DELETE CASCADE
);
CREATE INDEX story_events_story ON story_events(story_id);
