/**
 * A retry budget shared by every call from one client to one dependency, using gRPC's retry throttling
 * rule (gRFC A6): start with `maxTokens`; every failed attempt costs 1 token, every success earns back
 * `tokenRatio`; retries are allowed only while more than half the tokens are left. When the dependency
 * is down, retries stop after a handful of failures and only first attempts go out; as successes come
 * back, the budget refills and retries resume.
 */
export class RetryBudget {
  readonly maxTokens: number;
  readonly tokenRatio: number;
  private tokenCount: number;

  constructor(options: { maxTokens?: number; tokenRatio?: number } = {}) {
    this.maxTokens = options.maxTokens ?? 10;
    this.tokenRatio = options.tokenRatio ?? 0.1;
    if (!(this.maxTokens > 0 && this.tokenRatio > 0))
      throw new RangeError('RetryBudget needs maxTokens > 0 and tokenRatio > 0 (gRPC uses e.g. 10 and 0.1)');
    this.tokenCount = this.maxTokens;
  }

  get tokens(): number {
    return this.tokenCount;
  }

  recordSuccess(): void {
    this.tokenCount = Math.min(this.maxTokens, this.tokenCount + this.tokenRatio);
  }

  /** Records a failed attempt and says whether a retry may follow it. */
  recordFailureAndMayRetry(): boolean {
    this.tokenCount = Math.max(0, this.tokenCount - 1);
    return this.tokenCount > this.maxTokens / 2;
  }
}
