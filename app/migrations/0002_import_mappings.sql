-- Column mappings the officer confirmed for an import file layout, keyed by its header row.
CREATE TABLE import_mappings (
    header_key   TEXT PRIMARY KEY,          -- sha256 of the header cells joined by tabs
    headers_json TEXT NOT NULL,
    mapping_json TEXT NOT NULL,             -- {"field": "header text", ...}
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
);
