-- #region keys
-- One row per idempotency key: the claim, and once the request finished, the response to replay.
create table idempotency_keys (
  key             text primary key check (length(key) between 1 and 255),
  -- SHA-256 of method + path + canonical JSON body: the same key with other parameters is an error.
  fingerprint     text not null,
  status          text not null check (status in ('in_flight', 'completed')),
  -- Who may complete an in-flight key; a stale owner (crashed, or slower than stale_after) loses it.
  lock_token      uuid,
  locked_at       timestamptz,
  response_status int,
  response_body   text,          -- the exact bytes sent, so a replay is byte-identical
  created_at      timestamptz not null default now(),
  completed_at    timestamptz,
  check (status = 'in_flight' or (response_status is not null and response_body is not null))
);
-- Expiry scans by age.
create index idempotency_keys_created_at on idempotency_keys (created_at);
-- #endregion keys

-- The effect. Deliberately no unique constraint on idempotency_key: a key may be reused after it
-- expires (as Stripe allows), and the tests must prove the key logic, not a constraint, stops duplicates.
create table payments (
  id              bigserial primary key,
  customer        text not null,
  amount          bigint not null check (amount > 0),
  currency        text not null,
  idempotency_key text,
  created_at      timestamptz not null default now()
);
