/** Fresh filled databases for the HTTP benchmark: a temporary SQLite file, or a PostgreSQL schema of its own. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fillDatabase } from './fill-database.js';
import type { FillPlan, FillSize } from './fill-plan.js';
import { createBenchSchema } from './postgres-schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  readonly kind: DatabaseKind;
  /** DATABASE_URL for the service (for PostgreSQL, with the schema as its search path). */
  readonly url: string;
  readonly plan: FillPlan;
  /** Removes the file or drops the schema. */
  remove(): Promise<void>;
}

export interface FillContext {
  /** Where temporary SQLite files go. */
  readonly sqliteDir: string;
  /** The PostgreSQL database schemas are made in, when there is one. */
  readonly postgresUrl: string | null;
  readonly passwordHashes: readonly string[];
  readonly log: (line: string) => void;
}

export async function createFilledDatabase(kind: DatabaseKind, size: FillSize, context: FillContext): Promise<BenchDatabase> {
  const describe = `${size.users} users, ${size.messages} messages`;
  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(context.sqliteDir, 'bench-http-'));
    const url = `sqlite:${join(folder, 'db.sqlite3')}`;
    try {
      const result = await fillDatabase({ url }, { ...size, passwordHashes: context.passwordHashes });
      context.log(`filled ${url} (${describe}) in ${(result.writingMs / 1000).toFixed(1)} s`);
      return { kind, url, plan: result.plan, remove: async () => rmSync(folder, { recursive: true, force: true }) };
    } catch (error) {
      rmSync(folder, { recursive: true, force: true });
      throw error;
    }
  }
  if (!context.postgresUrl) throw new Error('no PostgreSQL database to fill: set DATABASE_URL=postgres://...');
  const schema = await createBenchSchema(context.postgresUrl, 'bench_http');
  try {
    const result = await fillDatabase({ url: context.postgresUrl, searchPath: schema.name }, { ...size, passwordHashes: context.passwordHashes });
    context.log(`filled PostgreSQL schema ${schema.name} (${describe}) in ${(result.writingMs / 1000).toFixed(1)} s`);
    return { kind, url: schema.url, plan: result.plan, remove: schema.drop };
  } catch (error) {
    await schema.drop();
    throw error;
  }
}

/** A second SQLite database identical to a filled one (a copy of its file: the fill leaves no WAL behind). */
export function copySqliteDatabase(original: BenchDatabase, sqliteDir: string): BenchDatabase {
  const folder = mkdtempSync(join(sqliteDir, 'bench-http-'));
  const path = join(folder, 'db.sqlite3');
  copyFileSync(original.url.slice('sqlite:'.length), path);
  return { ...original, url: `sqlite:${path}`, remove: async () => rmSync(folder, { recursive: true, force: true }) };
}
