-- Name search for one or two characters ("报告"): pg_trgm has no trigram for them, so names are
-- also indexed by their lower-cased 2-character windows. An expression index keeps itself current
-- on every insert and rename, whichever service writes the name; existing rows are indexed here.
CREATE FUNCTION yp_name_bigrams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, 2)), '{}'::text[]) FROM generate_series(1, char_length(name) - 1) AS i
$$;

CREATE INDEX "Node_name_bigrams_idx" ON "Node" USING GIN (yp_name_bigrams("name"));
