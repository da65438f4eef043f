CREATE TABLE "customer_versions" (
	"workspace_id" bigint PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Segment counts (/api/segments: customers by status, RFM segment, CVM stage, R×F cell) are
-- kept under this counter (src/app/api/count-segments.ts), moved by every committed change to
-- what they read. A deferred constraint trigger runs at COMMIT, so the bump is the last lock a
-- transaction takes (see src/storage/tables/report-versions.ts for why that matters), and the
-- transaction-local flag makes it once per workspace per transaction, however many rows moved.
CREATE OR REPLACE FUNCTION customer_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.workspace_id ELSE NEW.workspace_id END;
  flag text := 'comeback.customer_version_bumped_' || ws;
BEGIN
  IF current_setting(flag, true) = '1' THEN
    RETURN NULL;
  END IF;
  PERFORM set_config(flag, '1', true);
  INSERT INTO customer_versions AS v (workspace_id, version) VALUES (ws, 1)
  ON CONFLICT (workspace_id) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "customers_customer_version_ins_del" AFTER INSERT OR DELETE ON "customers" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION customer_versions_bump();
--> statement-breakpoint
-- Only changes to what the counts read (a phone or a name edit does not move them).
CREATE CONSTRAINT TRIGGER "customers_customer_version_upd" AFTER UPDATE ON "customers" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((OLD.status, OLD.rfm_segment, OLD.cvm_stage, OLD.r_score, OLD.f_score, OLD.merged_into, OLD.manager_id, OLD.aggregates_as_of) IS DISTINCT FROM (NEW.status, NEW.rfm_segment, NEW.cvm_stage, NEW.r_score, NEW.f_score, NEW.merged_into, NEW.manager_id, NEW.aggregates_as_of)) EXECUTE FUNCTION customer_versions_bump();
