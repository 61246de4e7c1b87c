-- Issue 16: the CJK bigrams leave the tsvector, where each cost a file ~10 bytes (its lexeme and
-- entry; at 2 KiB documents the tsvector was as big as the text), for two arrays (tokenize.ts
-- bigramColumns): a short text's bigrams as int2 hashes, a long text's as exact int4 codes (the two
-- characters' UTF-16 code units, high and low). The tsvector keeps the English stems and jieba's
-- longer words, which rank. The text goes back to pglz: lz4 saved ~2 ms of CPU a 100 KiB row but
-- stored ~18% more (117 against 98 MiB for 200 MiB of 2 KiB texts); rows keep what they have.
ALTER TABLE "SearchText" ADD COLUMN "bigrams" INTEGER[] NOT NULL DEFAULT '{}',
  ADD COLUMN "bigramHashes" SMALLINT[] NOT NULL DEFAULT '{}';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE "SearchText" ALTER COLUMN "text" SET COMPRESSION pglz;
  END IF;
END $$;

-- Rows indexed before: their CJK lexemes of one or two characters (bigrams, and runs of one
-- character) move out of the tsvector, the bigrams into one of the arrays. A lexeme is CJK when
-- its first character is in tokenize.ts's CJK class (written out as ranges: PostgreSQL's regular
-- expressions have no Unicode scripts); the English lexemes never hold one (CJK runs are cut out
-- of the Latin part before to_tsvector). ascii() gives a character's code point; the shift wraps
-- like JavaScript's; the hash is bigramHash (Math.imul, then the high 16 bits, signed).
UPDATE "SearchText" s
   SET bigrams = CASE WHEN cardinality(c.codes) > 1024 THEN c.codes ELSE '{}' END,
       "bigramHashes" = CASE WHEN cardinality(c.codes) > 1024 THEN '{}' ELSE
         (SELECT coalesce(array_agg(DISTINCT (h - CASE WHEN h > 32767 THEN 65536 ELSE 0 END)::int2), '{}')
            FROM (SELECT ((code::int8 * 2654435761) & 4294967295) >> 16 AS h FROM unnest(c.codes) AS code) x) END,
       tsv = ts_delete(s.tsv, c.lexemes)
  FROM (SELECT "nodeId",
               coalesce(array_agg(DISTINCT ((ascii(l) & 65535) << 16) | (ascii(substr(l, 2)) & 65535)) FILTER (WHERE char_length(l) = 2), '{}') AS codes,
               array_agg(l) AS lexemes
          FROM "SearchText", unnest(tsvector_to_array(tsv)) AS l
         WHERE char_length(l) <= 2 AND l ~ '^[\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e-\u302f\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3131-\u318e\u31f0-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155\U0001b164-\U0001b167\U0001f200\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479]'
         GROUP BY "nodeId") c
 WHERE s."nodeId" = c."nodeId";

CREATE INDEX "SearchText_bigrams_idx" ON "SearchText" USING GIN ("bigrams");
CREATE INDEX "SearchText_bigramHashes_idx" ON "SearchText" USING GIN ("bigramHashes");
