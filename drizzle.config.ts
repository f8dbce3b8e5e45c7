// drizzle-kit settings: `npm run db:generate` writes forward-only SQL migrations into migrations/.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
