/**
 * The name of the unique constraint (PostgreSQL) or the columns (SQLite) that an insert violated,
 * or null when the error is something else.
 */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint_name?: string; message?: string };
  if (e?.code === '23505') return e.constraint_name ?? '';
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return e.message?.replace(/^UNIQUE constraint failed: /, '') ?? '';
  }
  return null;
}
