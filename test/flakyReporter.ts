import type { Reporter, TestCase } from 'vitest/node';

/**
 * CI retries a failed lab test once (see vitest.config.ts), so that one unlucky schedule on a loaded
 * 2-core box does not turn the whole run red. A retry must not hide the flake: this reporter lists
 * every test that passed only on a retry, at the end of the run, so it gets fixed rather than lived with.
 */
export default class FlakyReporter implements Reporter {
  readonly #flaky: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const { retryCount, flaky } = testCase.diagnostic() ?? { retryCount: 0, flaky: false };
    if (flaky || (retryCount > 0 && testCase.result().state === 'passed')) {
      this.#flaky.push(`${testCase.module.moduleId.replace(`${process.cwd()}/`, '')} > ${testCase.fullName}`);
    }
  }

  onTestRunEnd(): void {
    if (this.#flaky.length === 0) return;
    console.log(`\nFLAKY: ${this.#flaky.length} test(s) passed only on a retry; make them deterministic:`);
    for (const name of this.#flaky) console.log(`  - ${name}`);
  }
}
