DROP INDEX "customers_next_expected_idx";--> statement-breakpoint
DROP INDEX "customers_last_purchase_idx";--> statement-breakpoint
CREATE INDEX "customers_revenue_idx" ON "customers" USING btree ("workspace_id","revenue","id");--> statement-breakpoint
CREATE INDEX "customers_purchases_idx" ON "customers" USING btree ("workspace_id","purchases","id");--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers" USING btree ("workspace_id","name","id");--> statement-breakpoint
CREATE INDEX "customers_next_expected_idx" ON "customers" USING btree ("workspace_id","next_expected_on","id");--> statement-breakpoint
CREATE INDEX "customers_last_purchase_idx" ON "customers" USING btree ("workspace_id","last_purchase_on","id");