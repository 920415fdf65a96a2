-- Per-key rate limits; NULL means no limit. One column per statement: SQLite's ALTER TABLE adds one at a time.
ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER;
