import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import { requestFingerprint } from './fingerprint.ts';
import { IdempotencyLockLostError, type IdempotencyStore, type StoredResponse } from './IdempotencyStore.ts';

export interface PaymentsAppOptions {
  /** Pool whose search_path has the payments (and idempotency_keys) tables. */
  pool: Pool;
  /** The idempotency layer; null serves the same endpoint without it (the baseline that duplicates). */
  idempotency: IdempotencyStore | null;
  /**
   * Work between accepting a request and writing the payment, e.g. a fraud check against another
   * service. Read-only, so safe to repeat; the demo makes it slow to let client timeouts fire.
   */
  riskCheck?: (payment: PaymentRequest) => Promise<void>;
  /** Payments above this amount are declined with 402: a failure that is stored and replayed too. */
  maxAmount?: number;
  /** Passed to Fastify, e.g. `forceCloseConnections: true` so close() does not wait on clients' keep-alive sockets. */
  fastify?: FastifyServerOptions;
}

export const MAX_KEY_LENGTH = 255;

const PaymentSchema = z
  .object({
    customer: z.string().min(1).max(100),
    amount: z.number().int().positive().max(1_000_000_000),
    currency: z.string().regex(/^[a-z]{3}$/, 'a lower-case ISO 4217 code, e.g. "eur"'),
    description: z.string().max(500).optional(),
  })
  .strict();
export type PaymentRequest = z.infer<typeof PaymentSchema>;

/** JSON error body; `type` is stable for clients to branch on. */
function sendError(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: { type, message } }));
}

/**
 * The Idempotency-Key header value, or an error message. Accepts a bare token (as Stripe does) or the
 * quoted structured-field string of the IETF draft; 1-255 visible ASCII characters.
 */
export function parseIdempotencyKey(
  header: string | string[] | undefined,
): { key: string } | { error: string } {
  if (header === undefined) return { error: 'the Idempotency-Key header is required for POST /payments' };
  if (Array.isArray(header)) return { error: 'send exactly one Idempotency-Key header' };
  const key = /^"(.*)"$/.exec(header)?.[1] ?? header;
  if (key.length === 0) return { error: 'the Idempotency-Key header is empty' };
  if (key.length > MAX_KEY_LENGTH)
    return {
      error: `the Idempotency-Key is ${key.length} characters; at most ${MAX_KEY_LENGTH} are allowed`,
    };
  if (!/^[\x21-\x7e]+$/.test(key))
    return { error: 'the Idempotency-Key must be visible ASCII characters; a V4 UUID is a good choice' };
  return { key };
}

/** Inserts the payment and builds the response; runs inside the caller's transaction. */
async function createPayment(
  db: Pick<PoolClient, 'query'>,
  payment: PaymentRequest,
  key: string | null,
  maxAmount: number,
): Promise<StoredResponse> {
  if (payment.amount > maxAmount) {
    const body = { error: { type: 'card_declined', message: `amount above the limit of ${maxAmount}` } };
    return { status: 402, body: JSON.stringify(body) };
  }
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `insert into payments (customer, amount, currency, idempotency_key) values ($1, $2, $3, $4)
     returning id, created_at`,
    [payment.customer, payment.amount, payment.currency, key],
  );
  const row = rows[0]!;
  const body = {
    id: `pay_${row.id}`,
    object: 'payment',
    status: 'succeeded',
    amount: payment.amount,
    currency: payment.currency,
    customer: payment.customer,
    description: payment.description ?? null,
    created: row.created_at.toISOString(),
  };
  return { status: 201, body: JSON.stringify(body) };
}

export function buildPaymentsApp(options: PaymentsAppOptions): FastifyInstance {
  const { pool, idempotency } = options;
  const riskCheck = options.riskCheck ?? (async () => {});
  const maxAmount = options.maxAmount ?? 1_000_000;
  const app = Fastify({ logger: false, ...options.fastify });

  app.post('/payments', async (request, reply) => {
    // #region handler
    let key: string | null = null;
    if (idempotency) {
      const parsed = parseIdempotencyKey(request.headers['idempotency-key']);
      if ('error' in parsed) return sendError(reply, 400, 'idempotency_key_invalid', parsed.error);
      key = parsed.key;
    }
    // Validation runs before the key is claimed: a malformed request stores nothing, so the client
    // can fix it and retry with the same key (Stripe does the same).
    const body = PaymentSchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'invalid_request', z.prettifyError(body.error));
    if (!idempotency || key === null) {
      await riskCheck(body.data);
      const response = await createPayment(pool, body.data, null, maxAmount);
      return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
    }

    const fingerprint = requestFingerprint('POST', '/payments', body.data);
    const claim = await idempotency.claim(key, fingerprint);
    switch (claim.kind) {
      case 'replay':
        return reply
          .code(claim.response.status)
          .type('application/json; charset=utf-8')
          .header('idempotent-replayed', 'true')
          .send(claim.response.body);
      case 'mismatch':
        return sendError(
          reply,
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was used with other parameters; use a new key for a new request',
        );
      case 'in-flight':
        reply.header('retry-after', String(claim.retryAfterSeconds));
        return sendError(
          reply,
          409,
          'idempotency_key_in_use',
          'a request with this Idempotency-Key is still being processed; retry later',
        );
    }
    try {
      await riskCheck(body.data);
      const response = await idempotency.complete(claim, (tx) =>
        createPayment(tx, body.data, key, maxAmount),
      );
      return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
    } catch (error) {
      if (error instanceof IdempotencyLockLostError)
        return sendError(reply, 409, 'idempotency_key_in_use', error.message);
      // Nothing was committed: give the key back so a retry runs again instead of waiting it out.
      await idempotency.release(claim).catch(() => {});
      throw error;
    }
    // #endregion handler
  });

  return app;
}
