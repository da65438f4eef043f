CREATE TABLE "customer_name_words" (
	"workspace_id" bigint NOT NULL,
	"word" text COLLATE "C" NOT NULL,
	"customer_id" bigint NOT NULL,
	CONSTRAINT "customer_name_words_workspace_id_word_customer_id_pk" PRIMARY KEY("workspace_id","word","customer_id")
);
--> statement-breakpoint
DROP INDEX "customers_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "customer_name_words_customer_idx" ON "customer_name_words" USING btree ("workspace_id","customer_id","word");--> statement-breakpoint
-- How a name and a search word are folded (src/storage/tables/name-words.ts): composed Unicode,
-- ё as е (people type either), lower case by the database's character type (C.UTF-8 on both
-- PostgreSQL and PGlite, which folds Cyrillic). The search folds its words with this same
-- function, so both sides always agree.
CREATE OR REPLACE FUNCTION customer_name_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(translate(normalize(t, NFC), 'Ёё', 'Ее')) $$;
--> statement-breakpoint
-- A name's distinct words: split at anything that is not a letter or digit (spaces, hyphens,
-- apostrophes, dots), at most 64 characters each (a B-tree key must stay small).
CREATE OR REPLACE FUNCTION customer_name_words(name text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT DISTINCT left(w, 64) FROM regexp_split_to_table(customer_name_fold(name), '[^[:alnum:]]+') AS w WHERE w <> '' $$;
--> statement-breakpoint
-- New customers: once per statement (an import inserts thousands per statement; COPY fires it too).
CREATE OR REPLACE FUNCTION customer_name_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_name_words (workspace_id, word, customer_id)
  SELECT n.workspace_id, w, n.id FROM new_customers n CROSS JOIN LATERAL customer_name_words(n.name) AS w
   WHERE n.name IS NOT NULL;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "customers_name_words_ins" AFTER INSERT ON "customers" REFERENCING NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION customer_name_words_insert();
--> statement-breakpoint
-- A rename: per row, and only when the name changed (the nightly write-back of every customer's
-- aggregates does not set the name, so it never fires there).
CREATE OR REPLACE FUNCTION customer_name_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_name_words WHERE workspace_id = OLD.workspace_id AND customer_id = OLD.id;
  INSERT INTO customer_name_words (workspace_id, word, customer_id)
  SELECT NEW.workspace_id, w, NEW.id FROM customer_name_words(NEW.name) AS w;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "customers_name_words_upd" AFTER UPDATE OF "name" ON "customers" FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name") EXECUTE FUNCTION customer_name_words_update();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION customer_name_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_name_words w USING old_customers o
   WHERE w.workspace_id = o.workspace_id AND w.customer_id = o.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "customers_name_words_del" AFTER DELETE ON "customers" REFERENCING OLD TABLE AS old_customers FOR EACH STATEMENT EXECUTE FUNCTION customer_name_words_delete();
--> statement-breakpoint
-- The customers already there.
INSERT INTO customer_name_words (workspace_id, word, customer_id)
SELECT c.workspace_id, w, c.id FROM customers c CROSS JOIN LATERAL customer_name_words(c.name) AS w
 WHERE c.name IS NOT NULL;
