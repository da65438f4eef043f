import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/storage/schema.ts and committed; `comeback` applies
// them at start on both PGlite and PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/storage/schema.ts',
  out: './src/storage/migrations',
});
