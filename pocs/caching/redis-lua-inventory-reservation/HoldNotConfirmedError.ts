export type HoldRefusal = 'HOLD_EXPIRED' | 'ALREADY_CONFIRMED' | 'UNKNOWN_HOLD';

const ADVICE: Record<HoldRefusal, string> = {
  HOLD_EXPIRED:
    'its deadline passed before confirm and its units went back to stock; reserve again (the stock may be gone) and confirm sooner, or reserve with a longer ttlMs',
  ALREADY_CONFIRMED: 'it was confirmed before; treat this as a duplicate request, the sale already exists',
  UNKNOWN_HOLD:
    'no such hold for this SKU (wrong SKU or hold id, or it ended longer ago than outcomeRetentionMs); check the ids',
};

/** confirm() refused: the hold expired, was already confirmed, or never existed. The message says which and what to do. */
export class HoldNotConfirmedError extends Error {
  override readonly name = 'HoldNotConfirmedError';
  readonly sku: string;
  readonly holdId: string;
  readonly reason: HoldRefusal;
  /** For HOLD_EXPIRED found at confirm time: the deadline it missed (Redis epoch ms). */
  readonly deadlineMs: number | undefined;

  constructor(sku: string, holdId: string, reason: HoldRefusal, deadlineMs?: number) {
    super(`cannot confirm hold ${holdId} of ${sku}: ${reason} — ${ADVICE[reason]}`);
    this.sku = sku;
    this.holdId = holdId;
    this.reason = reason;
    this.deadlineMs = deadlineMs;
  }
}
