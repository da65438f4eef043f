CREATE TABLE "customer_predictions" (
	"workspace_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"as_of" date NOT NULL,
	"source" text NOT NULL,
	"p_alive" double precision,
	"expected_purchases_90d" double precision,
	"predicted_clv" numeric(18, 2),
	"expected_revenue_90d" numeric(18, 2),
	"churn_risk" text NOT NULL,
	CONSTRAINT "customer_predictions_workspace_id_customer_id_pk" PRIMARY KEY("workspace_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_recommendations" (
	"workspace_id" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"rank" smallint NOT NULL,
	"kind" text DEFAULT 'category' NOT NULL,
	"item" text NOT NULL,
	"score" double precision NOT NULL,
	"as_of" date NOT NULL,
	CONSTRAINT "customer_recommendations_workspace_id_customer_id_rank_pk" PRIMARY KEY("workspace_id","customer_id","rank")
);
--> statement-breakpoint
CREATE TABLE "model_fits" (
	"workspace_id" bigint PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unit" text NOT NULL,
	"bgnbd" jsonb NOT NULL,
	"gamma_gamma" jsonb NOT NULL,
	"usable" boolean NOT NULL,
	"reason" text,
	"duration_ms" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "customer_predictions_clv_idx" ON "customer_predictions" USING btree ("workspace_id","predicted_clv");--> statement-breakpoint
CREATE INDEX "customer_predictions_alive_idx" ON "customer_predictions" USING btree ("workspace_id","p_alive");--> statement-breakpoint
CREATE INDEX "customer_recommendations_item_idx" ON "customer_recommendations" USING btree ("workspace_id","item");