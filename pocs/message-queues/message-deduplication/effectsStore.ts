import type pg from 'pg';
import { createPgSchema } from '../../../src/services/namespaces.ts';

/** What a connection, a pool or a client inside a transaction all accept. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** One message as the consumer sees it: the id the publisher stamped on it, and its payload. */
export interface LedgerMessage {
  id: string;
  amount: number;
}

/**
 * The side effect every strategy performs: one ledger row per message, deliberately with NO unique
 * constraint, so a duplicate effect is a second row we can count instead of an error that hides it.
 */
export async function applyEffect(db: Queryable, message: LedgerMessage): Promise<void> {
  await db.query('INSERT INTO ledger (message_id, amount) VALUES ($1, $2)', [message.id, message.amount]);
}

export interface EffectsStore {
  /** Pool options that put unqualified table names into this store's schema. */
  readonly searchPathOption: string;
  reset(): Promise<void>;
  count(expectedIds: readonly string[]): Promise<EffectCount>;
  drop(): Promise<void>;
}

export interface EffectCount {
  /** Ledger rows: one per effect performed. */
  effects: number;
  /** Messages with at least one effect. */
  distinct: number;
  /** Effects beyond the first, summed over all messages (0 = no message was applied twice). */
  duplicated: number;
  /** Messages whose effect ran more than once. */
  duplicatedIds: string[];
  /** Expected messages with no effect at all. */
  lostIds: string[];
  /** Rows in processed_messages (the transactional strategy's dedup record). */
  dedupRecords: number;
}

/** Creates a schema of its own with the ledger and the processed_messages table. */
export async function createEffectsStore(admin: pg.Pool, schema: string): Promise<EffectsStore> {
  const created = await createPgSchema(admin, schema);
  // #region tables
  await admin.query(`
    CREATE TABLE ${schema}.ledger (
      seq        bigserial PRIMARY KEY,
      message_id text NOT NULL,          -- no UNIQUE here: duplicates must be countable
      amount     integer NOT NULL
    );
    CREATE TABLE ${schema}.processed_messages (
      message_id   text PRIMARY KEY,     -- the dedup record: one row per message ever applied
      processed_at timestamptz NOT NULL DEFAULT now()
    );`);
  // #endregion tables
  return {
    searchPathOption: created.options,
    reset: async () => {
      await admin.query(`TRUNCATE ${schema}.ledger, ${schema}.processed_messages`);
    },
    count: async (expectedIds) => {
      const { rows } = await admin.query<{ message_id: string; n: string }>(
        `SELECT message_id, count(*) AS n FROM ${schema}.ledger GROUP BY message_id`,
      );
      const seen = new Map(rows.map((r) => [r.message_id, Number(r.n)]));
      const effects = rows.reduce((sum, r) => sum + Number(r.n), 0);
      const dedup = await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${schema}.processed_messages`,
      );
      return {
        effects,
        distinct: seen.size,
        duplicated: effects - seen.size,
        duplicatedIds: rows.filter((r) => Number(r.n) > 1).map((r) => r.message_id),
        lostIds: expectedIds.filter((id) => !seen.has(id)),
        dedupRecords: Number(dedup.rows[0]?.n ?? 0),
      };
    },
    drop: created.drop,
  };
}
