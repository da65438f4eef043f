-- A customer's identifiers ordered as every reader asks for them (kind, then oldest first): the
-- first phone and e-mail of each row of a list or search page become one index-only probe each
-- instead of a scan of the customer's identifiers and a sort, and the card reads them in order.
-- It serves every (workspace, customer) lookup the index it replaces served.
DROP INDEX "customer_identifiers_customer_idx";--> statement-breakpoint
CREATE INDEX "customer_identifiers_customer_kind_idx" ON "customer_identifiers" USING btree ("workspace_id","customer_id","kind","created_at","value");