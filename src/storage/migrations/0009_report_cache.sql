CREATE TABLE "report_cache" (
	"workspace_id" bigint NOT NULL,
	"key_hash" text NOT NULL,
	"version" bigint NOT NULL,
	"body" text NOT NULL,
	"cost_ms" integer NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "report_cache_workspace_id_key_hash_pk" PRIMARY KEY("workspace_id","key_hash")
);
