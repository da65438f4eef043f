-- A name's folded words as GIN keys, each prefixed with the workspace id ("7:анна"): a search
-- of several words whose customers rarely meet intersects the words' customer lists in this
-- index instead of probing each customer of one word for the others (queries/name-search.ts).
-- Same words as customer_name_words (0011), so both sides of a search fold alike. Its own
-- search_path: PostgreSQL 17 (PGlite) builds and maintains indexes with a restricted one, where
-- the functions of 0011 would not be found.
CREATE OR REPLACE FUNCTION customer_name_keys(ws bigint, name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT
  AS $$ SELECT array_agg(ws::text || ':' || w) FROM customer_name_words(name) AS w $$;
--> statement-breakpoint
CREATE INDEX "customers_name_keys_idx" ON "customers" USING gin (customer_name_keys("workspace_id", "name"));
