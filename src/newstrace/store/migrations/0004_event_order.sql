-- Indexes in the order `events` returns rows (event_date, doc_id, sentence, event_id), so a filtered query with a
-- LIMIT walks the index and stops after `limit` matches instead of sorting every match (measured in bench/store.py
-- with 1M events: a plover filter went from ~190 ms to ~2 ms). events_order also carries the columns the actor,
-- CAMEO, PLOVER and modality filters test, so rows that fail them are rejected from the index without reading the
-- table row. Each replaces a one-column index it starts with.
DROP INDEX events_date;
CREATE INDEX events_order ON events(
    event_date, doc_id, sentence, event_id, source_code, target_code, source_name, target_name, cameo, plover, modality
);
DROP INDEX events_plover;
CREATE INDEX events_plover_order ON events(plover, event_date, doc_id, sentence, event_id);
