import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Pool, PoolClient } from 'pg';

export interface IdempotencyStoreOptions {
  /** A pool whose search_path reaches the idempotency_keys table. */
  pool: Pool;
  /** Keys older than this are expired: purged by purgeExpired(), and reusable before that. Default 24 h. */
  retentionMs?: number;
  /**
   * An in-flight key whose owner has not finished after this long is considered abandoned (the
   * process crashed, or hangs): the next request with the same key and parameters takes it over.
   * Must be longer than any request's run time. Default 60 s.
   */
  staleAfterMs?: number;
}

/** The response a key's first request produced, replayed to every retry. */
export interface StoredResponse {
  status: number;
  /** The exact body bytes (here: serialized JSON), so a replay is byte-identical. */
  body: string;
}

export type Claim =
  /** This request owns the key: run it, then complete() or release(). `takeover`: a stale or expired row was reused. */
  | { kind: 'acquired'; key: string; token: string; takeover: boolean }
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used with other parameters (another method, path or body). */
  | { kind: 'mismatch' }
  /** The first request with this key is still running. */
  | { kind: 'in-flight'; retryAfterSeconds: number };

/** The key was taken over while this request ran (it was slower than staleAfterMs); nothing was committed. */
export class IdempotencyLockLostError extends Error {
  constructor(key: string) {
    super(
      `idempotency key "${key}" was taken over by a retry while this request ran (it exceeded staleAfterMs); ` +
        'its transaction was rolled back. Raise staleAfterMs above the slowest request.',
    );
    this.name = 'IdempotencyLockLostError';
  }
}

/** Creates the idempotency_keys and payments tables (schema.sql) in the pool's search_path. */
export async function createIdempotencyTables(pool: Pick<Pool, 'query'>): Promise<void> {
  await pool.query(await readFile(new URL('./schema.sql', import.meta.url), 'utf8'));
}

/**
 * The server side of Idempotency-Key, in PostgreSQL. A request first *claims* its key (one short
 * statement, committed at once, so concurrent retries see it as in flight), then runs its effect and
 * records the response in *one* transaction: either both are committed or neither is.
 */
export class IdempotencyStore {
  readonly retentionMs: number;
  readonly staleAfterMs: number;
  private readonly pool: Pool;

  constructor(options: IdempotencyStoreOptions) {
    this.pool = options.pool;
    this.retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    if (!(this.retentionMs > this.staleAfterMs))
      throw new Error('retentionMs must be longer than staleAfterMs: a key must outlive its own request');
  }

  // #region claim
  async claim(key: string, fingerprint: string): Promise<Claim> {
    // Two tries: the row we conflicted with can be purged between the two statements below.
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = randomUUID();
      // Insert the key as in flight. On conflict, take the row over only if it is expired (a new
      // request, as if the key were never used) or if it is a stale claim of the SAME request whose
      // owner never finished. ON CONFLICT locks the existing row, so two takeovers cannot both win.
      const claimed = await this.pool.query<{ takeover: boolean }>(
        `insert into idempotency_keys as k (key, fingerprint, status, lock_token, locked_at)
         values ($1, $2, 'in_flight', $3, now())
         on conflict (key) do update
           set fingerprint = excluded.fingerprint, status = 'in_flight', lock_token = excluded.lock_token,
               locked_at = now(), response_status = null, response_body = null, completed_at = null,
               created_at = case when k.created_at < now() - $4 * interval '1 millisecond'
                                 then now() else k.created_at end
           where k.created_at < now() - $4 * interval '1 millisecond'
              or (k.status = 'in_flight' and k.fingerprint = excluded.fingerprint
                  and k.locked_at < now() - $5 * interval '1 millisecond')
         returning not (xmax = 0) as takeover`,
        [key, fingerprint, token, this.retentionMs, this.staleAfterMs],
      );
      if (claimed.rows[0]) return { kind: 'acquired', key, token, takeover: claimed.rows[0].takeover };

      const { rows } = await this.pool.query<{
        fingerprint: string;
        status: 'in_flight' | 'completed';
        response_status: number | null;
        response_body: string | null;
        retry_after: number;
      }>(
        `select fingerprint, status, response_status, response_body,
                greatest(1, ceil(extract(epoch from locked_at + $2 * interval '1 millisecond' - now())))::int
                  as retry_after
         from idempotency_keys where key = $1`,
        [key, this.staleAfterMs],
      );
      const row = rows[0];
      if (!row) continue;
      // Parameters first: a different request must never receive this key's response, finished or not.
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status === 'in_flight')
        return { kind: 'in-flight', retryAfterSeconds: Math.min(row.retry_after, 5) };
      return { kind: 'replay', response: { status: row.response_status!, body: row.response_body! } };
    }
    throw new Error(`idempotency key "${key}": the key row changed under us twice; retry the request`);
  }
  // #endregion claim

  // #region complete
  /**
   * Runs `work` (the effect) and stores its response in ONE transaction. If the process dies at any
   * point before COMMIT, PostgreSQL rolls back both: no effect without its record, no record without
   * its effect; the key stays in flight and a retry after staleAfterMs takes it over.
   */
  async complete(
    claim: Extract<Claim, { kind: 'acquired' }>,
    work: (client: PoolClient) => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Lock our row first and check we still own it. A takeover that already happened makes us stop
      // before the effect; one that comes later waits on this lock and then sees 'completed'.
      const owned = await client.query(
        `select 1 from idempotency_keys
         where key = $1 and lock_token = $2 and status = 'in_flight' for update`,
        [claim.key, claim.token],
      );
      if (owned.rowCount === 0) throw new IdempotencyLockLostError(claim.key);
      const response = await work(client);
      await client.query(
        `update idempotency_keys
         set status = 'completed', response_status = $2, response_body = $3, completed_at = now(),
             lock_token = null
         where key = $1`,
        [claim.key, response.status, response.body],
      );
      await client.query('COMMIT');
      return response;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError; // the connection is unusable: let pg discard it
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
  // #endregion complete

  /**
   * Gives the key up after a failure that committed nothing (an unexpected error), so the client's
   * retry runs the request again instead of waiting staleAfterMs. Only our own in-flight claim is removed.
   */
  async release(claim: Extract<Claim, { kind: 'acquired' }>): Promise<void> {
    await this.pool.query(
      `delete from idempotency_keys where key = $1 and lock_token = $2 and status = 'in_flight'`,
      [claim.key, claim.token],
    );
  }

  // #region purge
  /** Deletes expired keys; run it on a timer. After this, an expired key starts a new request. */
  async purgeExpired(batchSize = 10_000): Promise<number> {
    // Batched, so a large backlog never holds locks on many rows in one long statement.
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(
        `delete from idempotency_keys where key in (
           select key from idempotency_keys
           where created_at < now() - $1 * interval '1 millisecond'
           order by created_at limit $2 for update skip locked)`,
        [this.retentionMs, batchSize],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) return total;
    }
  }
  // #endregion purge
}
