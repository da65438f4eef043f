-- Customer search by a name fragment (`name ILIKE '%…%'`, src/storage/queries/customer-list.ts):
-- a trigram GIN index answers it from the index instead of reading every customer (1M rows:
-- a sequential scan of the table per keystroke). pg_trgm ships with PostgreSQL and is a trusted
-- extension (the database owner may create it); PGlite loads it in src/storage/connect.ts.
-- pg_trgm lower-cases by the database's character type (C.UTF-8 on both), so Cyrillic matches
-- case-insensitively.
-- workspace_id does NOT lead this index, unlike every other one: in a GIN index (btree_gin) it
-- would be one key whose posting list holds every customer of the workspace, read in full by
-- every search, so it would only slow the index down; the workspace is checked on the rows found.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
-- Report versions: a counter per workspace bumped, in the writing transaction, by every change
-- to what the reports read (orders, their lines, categories, targets, who manages whom). The
-- API caches a report under the version it was computed at (src/app/api/report-cache.ts): at
-- 1M customers a report takes seconds to compute and is asked for on every dashboard visit.
-- Triggers rather than calls in each writer: a write path added later cannot forget it.
CREATE TABLE "report_versions" (
	"workspace_id" bigint PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_versions AS v (workspace_id, version)
  SELECT DISTINCT workspace_id, 1 FROM changed_rows
  ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "orders_report_version_ins" AFTER INSERT ON "orders" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "orders_report_version_upd" AFTER UPDATE ON "orders" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "orders_report_version_del" AFTER DELETE ON "orders" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "order_lines_report_version_ins" AFTER INSERT ON "order_lines" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "order_lines_report_version_upd" AFTER UPDATE ON "order_lines" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "order_lines_report_version_del" AFTER DELETE ON "order_lines" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "categories_report_version_upd" AFTER UPDATE ON "categories" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "targets_report_version_ins" AFTER INSERT ON "targets" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "targets_report_version_upd" AFTER UPDATE ON "targets" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
CREATE TRIGGER "targets_report_version_del" AFTER DELETE ON "targets" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION report_versions_bump();
--> statement-breakpoint
-- A manager's reports cover the customers assigned to them. Row-level with a column list and a
-- WHEN: the nightly write-back of every customer's aggregates does not set manager_id, so it
-- never fires there.
CREATE OR REPLACE FUNCTION report_versions_bump_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_versions AS v (workspace_id, version) VALUES (NEW.workspace_id, 1)
  ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "customers_report_version_mgr" AFTER UPDATE OF "manager_id" ON "customers" FOR EACH ROW WHEN (OLD."manager_id" IS DISTINCT FROM NEW."manager_id") EXECUTE FUNCTION report_versions_bump_row();
