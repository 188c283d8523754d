-- Full-text search over title + text: a stored tsvector kept by PostgreSQL itself, with a GIN index.
ALTER TABLE documents ADD COLUMN fts tsvector
    GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, '') || ' ' || text)) STORED;
CREATE INDEX documents_fts ON documents USING GIN (fts);
