import type pg from 'pg';

/** The row moved on between our read and our write: someone else won this round. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  readonly expectedVersion: number;
  constructor(expectedVersion: number) {
    super(
      `row version is no longer ${expectedVersion}: another writer updated it first; read again and retry`,
    );
    this.expectedVersion = expectedVersion;
  }
}

/** Runs one client's write to completion: the retry policy under test wraps `attempt`. */
export type Retrier = (attempt: () => Promise<void>) => Promise<void>;

export interface ContentionResult {
  clients: number;
  /** Write attempts (each after a fresh read): the work the database did. */
  calls: number;
  conflicts: number;
  elapsedMs: number;
  finalVersion: number;
  /** Distinct client ids that the row records as having written: N when every client succeeded once. */
  distinctWriters: number;
  /** Clients whose retrier gave up (should be 0 with a generous maxAttempts). */
  gaveUp: number;
}

/** Creates `<schema>.counter` with one row at version 0. Idempotent. */
export async function createCounterTable(pool: pg.Pool, schema: string): Promise<string> {
  const table = `"${schema}".counter`;
  await pool.query(`create schema if not exists "${schema}"`);
  await pool.query(
    `create table if not exists ${table} (id int primary key, version int not null, writers int[] not null)`,
  );
  return table;
}

// #region occ-write
/**
 * One optimistic-concurrency attempt, as in the AWS post's simulator: read the version, then write only
 * if it is still that version. Under READ COMMITTED a concurrent UPDATE of the same row waits for the
 * winner to commit, re-checks `version = $1` against the new row and matches 0 rows: a conflict.
 */
export async function occWrite(pool: pg.Pool, table: string, clientId: number): Promise<void> {
  const { rows } = await pool.query<{ version: number }>(`select version from ${table} where id = 1`);
  const version = rows[0]!.version;
  const { rowCount } = await pool.query(
    `update ${table} set version = version + 1, writers = array_append(writers, $2::int)
      where id = 1 and version = $1`,
    [version, clientId],
  );
  if (rowCount === 0) throw new VersionConflictError(version);
}
// #endregion occ-write

/**
 * N clients start at the same moment; each must update the one row once. Returns the work done (write
 * attempts) and the time until the last client succeeded: the two curves of the AWS post.
 */
export async function runContention(options: {
  pool: pg.Pool;
  table: string;
  clients: number;
  retrier: Retrier;
}): Promise<ContentionResult> {
  const { pool, table, clients, retrier } = options;
  await pool.query(
    `insert into ${table} (id, version, writers) values (1, 0, '{}')
       on conflict (id) do update set version = 0, writers = '{}'`,
  );
  let calls = 0;
  let conflicts = 0;
  let gaveUp = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, (_, clientId) =>
      retrier(async () => {
        calls++;
        try {
          await occWrite(pool, table, clientId);
        } catch (error) {
          if (error instanceof VersionConflictError) conflicts++;
          throw error;
        }
      }).catch(() => {
        gaveUp++;
      }),
    ),
  );
  const elapsedMs = performance.now() - started;
  const { rows } = await pool.query<{ version: number; distinct: number }>(
    `select version, (select count(distinct w)::int from unnest(writers) w) as distinct from ${table} where id = 1`,
  );
  return {
    clients,
    calls,
    conflicts,
    elapsedMs,
    finalVersion: rows[0]!.version,
    distinctWriters: rows[0]!.distinct,
    gaveUp,
  };
}
