-- newstrace schema v1 (PostgreSQL; same tables and columns as the SQLite schema). Offsets are character offsets into documents.text.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    url TEXT,
    title TEXT,
    published TEXT,
    published_from TEXT,
    language TEXT,
    text TEXT NOT NULL,
    removed TEXT NOT NULL,          -- JSON list of strings dropped as boilerplate
    author TEXT,
    outlet TEXT,
    crawl_date TEXT,
    content_hash TEXT NOT NULL,
    input_format TEXT,
    origin TEXT,
    analysis TEXT NOT NULL,         -- the full JSON output contract, as `analyze` prints it
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_content_hash ON documents(content_hash);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_outlet ON documents(outlet);

CREATE TABLE actors (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT, start INTEGER, "end" INTEGER,
    code TEXT, country TEXT, role TEXT, name TEXT, kind TEXT, via TEXT,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX actors_code ON actors(code);

CREATE TABLE events (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    sentence INTEGER,
    trigger_text TEXT, trigger_start INTEGER, trigger_end INTEGER,
    source_text TEXT, source_start INTEGER, source_end INTEGER, source_code TEXT, source_name TEXT,
    target_text TEXT, target_start INTEGER, target_end INTEGER, target_code TEXT, target_name TEXT,
    cameo TEXT, plover TEXT, plover_mode TEXT, modality TEXT, quad_class INTEGER, goldstein DOUBLE PRECISION,
    event_date TEXT,                -- the event's own time value when it is a day, else the publication date
    time_value TEXT, place_name TEXT, place_country TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION,
    evidence_start INTEGER, evidence_end INTEGER,
    rule TEXT,
    attribution TEXT,               -- JSON {speaker, cue, chain}
    PRIMARY KEY (doc_id, event_id)
);
CREATE INDEX events_cameo ON events(cameo);
CREATE INDEX events_plover ON events(plover);
CREATE INDEX events_source ON events(source_code);
CREATE INDEX events_target ON events(target_code);
CREATE INDEX events_date ON events(event_date);

CREATE TABLE quotes (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    quote_id TEXT NOT NULL,
    kind TEXT,
    content_text TEXT, content_start INTEGER, content_end INTEGER,
    speaker_text TEXT, speaker_start INTEGER, speaker_end INTEGER, speaker_code TEXT, speaker_name TEXT,
    cue_text TEXT, cue_start INTEGER, cue_end INTEGER,
    PRIMARY KEY (doc_id, quote_id)
);

CREATE TABLE times (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT, start INTEGER, "end" INTEGER, type TEXT, value TEXT, anchor TEXT,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE places (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT, start INTEGER, "end" INTEGER, name TEXT, country TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, feature TEXT,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE framing (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT, start INTEGER, "end" INTEGER, category TEXT, voice TEXT,
    PRIMARY KEY (doc_id, idx)
);

CREATE TABLE warnings (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    code TEXT, message TEXT,
    PRIMARY KEY (doc_id, idx)
);
