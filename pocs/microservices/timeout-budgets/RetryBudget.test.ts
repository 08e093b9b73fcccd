import { describe, expect, it } from 'vitest';
import { RetryBudget } from './RetryBudget.ts';

describe('RetryBudget (gRPC retry throttling rule)', () => {
  it('allows retries while more than half the tokens are left, then none', () => {
    const budget = new RetryBudget({ maxTokens: 4, tokenRatio: 1.6 });
    expect(budget.recordFailureAndMayRetry()).toBe(true); // 3 > 2
    budget.recordSuccess(); // back to 4, not above the maximum
    expect(budget.tokens).toBe(4);
    expect(budget.recordFailureAndMayRetry()).toBe(true); // 3
    expect(budget.recordFailureAndMayRetry()).toBe(false); // 2: at the threshold, no retries
    budget.recordSuccess(); // 3.6
    expect(budget.recordFailureAndMayRetry()).toBe(true); // 2.6 > 2
    expect(budget.recordFailureAndMayRetry()).toBe(false); // 1.6
  });

  it('refills with successes so retries resume after the dependency recovers', () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.5 });
    for (let i = 0; i < 20; i++) budget.recordFailureAndMayRetry();
    expect(budget.tokens).toBe(0);
    for (let i = 0; i < 14; i++) budget.recordSuccess(); // 7 tokens
    expect(budget.recordFailureAndMayRetry()).toBe(true); // 6 > 5
  });

  it('rejects nonsense options', () => {
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(/maxTokens > 0/);
  });
});
