-- Issue 16: the CJK bigrams leave the tsvector for an int4[] of bigram codes (tokenize.ts
-- bigramCode: the two characters' UTF-16 code units, high and low). A bigram cost ~10 bytes a file
-- in the tsvector (its lexeme and entry) and costs 4 here: at 2 KiB documents the tsvector was as
-- big as the text. The tsvector keeps the English stems and jieba's longer words, which rank.
ALTER TABLE "SearchText" ADD COLUMN "bigrams" INTEGER[] NOT NULL DEFAULT '{}';

-- Rows indexed before: their CJK lexemes of one or two characters (bigrams, and runs of one
-- character) move out of the tsvector, the bigrams into the codes. A lexeme is CJK when its
-- first character is in tokenize.ts's CJK class (written out as ranges: PostgreSQL's regular
-- expressions have no Unicode scripts); the English lexemes never hold one (CJK runs are cut out
-- of the Latin part before to_tsvector). ascii() gives a character's code point; the shift wraps
-- like JavaScript's.
UPDATE "SearchText" s
   SET bigrams = coalesce(c.codes, '{}'), tsv = ts_delete(s.tsv, c.lexemes)
  FROM (SELECT "nodeId",
               array_agg(DISTINCT ((ascii(l) & 65535) << 16) | (ascii(substr(l, 2)) & 65535)) FILTER (WHERE char_length(l) = 2) AS codes,
               array_agg(l) AS lexemes
          FROM "SearchText", unnest(tsvector_to_array(tsv)) AS l
         WHERE char_length(l) <= 2 AND l ~ '^[\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e-\u302f\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3131-\u318e\u31f0-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00016fe2-\U00016fe3\U00016ff0-\U00016ff6\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155\U0001b164-\U0001b167\U0001f200\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a\U00031350-\U00033479]'
         GROUP BY "nodeId") c
 WHERE s."nodeId" = c."nodeId";

CREATE INDEX "SearchText_bigrams_idx" ON "SearchText" USING GIN ("bigrams");
