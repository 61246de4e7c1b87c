-- The index's texts and tsvectors compress with lz4 where the server has it (PostgreSQL built with
-- lz4; PGlite has pglz only): writing a 100 KiB text cost ~2 ms less CPU than pglz (~11 -> ~9 ms a
-- row with its tsvector), reading it back for a snippet is faster too, for ~15% more bytes on disk.
-- Rows written before keep their pglz values (each value records its method).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE "SearchText" ALTER COLUMN "text" SET COMPRESSION lz4, ALTER COLUMN "tsv" SET COMPRESSION lz4;
  END IF;
END $$;
