-- A name's folded words as GIN keys, each prefixed with the workspace id ("7:анна"): a search
-- of several words whose customers rarely meet intersects the words' customer lists in this
-- index instead of probing each customer of one word for the others (queries/name-search.ts).
-- The same words as customer_name_words (0011: NFC, ё → е, lower case, split at anything not a
-- letter or digit, cut to 64), written as one expression of built-in functions so PostgreSQL
-- inlines it (12 µs a customer on insert where a function with a FROM cost 32) and can build
-- the index under the restricted search_path of PostgreSQL 17 (PGlite). A test holds the two
-- definitions equal (test/storage/name-words.test.ts).
CREATE OR REPLACE FUNCTION customer_name_keys(ws bigint, name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT array_remove(string_to_array(
          ws::text || ':' || regexp_replace(
            regexp_replace(lower(translate(normalize(name, NFC), 'Ёё', 'Ее')), '([[:alnum:]]{64})[[:alnum:]]+', '\1', 'g'),
            '[^[:alnum:]]+', ' ' || ws::text || ':', 'g'),
          ' '), ws::text || ':') $$;
--> statement-breakpoint
CREATE INDEX "customers_name_keys_idx" ON "customers" USING gin (customer_name_keys("workspace_id", "name"));
