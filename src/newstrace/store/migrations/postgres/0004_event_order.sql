-- Twin of ../0004_event_order.sql: indexes in the order `events` returns rows, so a filtered query with a LIMIT
-- walks the index and stops early instead of sorting every match. Each replaces a one-column index it starts with.
DROP INDEX events_date;
CREATE INDEX events_order ON events(
    event_date, doc_id, sentence, event_id, source_code, target_code, source_name, target_name, cameo, plover, modality
);
DROP INDEX events_plover;
CREATE INDEX events_plover_order ON events(plover, event_date, doc_id, sentence, event_id);
