-- Twin of ../0005_event_filters.sql (same columns, tables and indexes; the backfill is an UPDATE … FROM).
-- Every `events` filter served by an index walked in the listing's order (event_date, doc_id, sentence, event_id),
-- so a query with a LIMIT stops after `limit` matches (measured in bench/store.py, docs/performance.md).
-- 1. The outlet is copied onto events (written by store.write, backfilled here): filtering by outlet needs no join
--    with documents, and an index can serve the filter and the order together.
-- 2. The actor filter (code prefix or name substring) is answered as the union of one ordered index walk per
--    matching code and name, on each side. actor_codes and actor_names list the distinct codes and names of
--    events' sources and targets so the store can find the matching ones without scanning events.
-- Each *_order index also carries the columns the other filters test, so rows that fail them are rejected from
-- the index alone (SQLite covering index, PostgreSQL index-only scan).
ALTER TABLE events ADD COLUMN outlet TEXT;
UPDATE events e SET outlet = d.outlet FROM documents d WHERE d.id = e.doc_id;

CREATE TABLE actor_codes (code TEXT PRIMARY KEY);
INSERT INTO actor_codes (code)
    SELECT source_code FROM events WHERE source_code IS NOT NULL
    UNION SELECT target_code FROM events WHERE target_code IS NOT NULL;
CREATE TABLE actor_names (name TEXT PRIMARY KEY);
INSERT INTO actor_names (name)
    SELECT source_name FROM events WHERE source_name IS NOT NULL
    UNION SELECT target_name FROM events WHERE target_name IS NOT NULL;

DROP INDEX events_source;
DROP INDEX events_target;
CREATE INDEX events_source_order ON events(
    source_code, event_date, doc_id, sentence, event_id, cameo, plover, modality, outlet
);
CREATE INDEX events_target_order ON events(
    target_code, event_date, doc_id, sentence, event_id, cameo, plover, modality, outlet
);
CREATE INDEX events_source_name_order ON events(
    source_name, event_date, doc_id, sentence, event_id, cameo, plover, modality, outlet
);
CREATE INDEX events_target_name_order ON events(
    target_name, event_date, doc_id, sentence, event_id, cameo, plover, modality, outlet
);
CREATE INDEX events_outlet_order ON events(
    outlet, event_date, doc_id, sentence, event_id, cameo, plover, modality
);
