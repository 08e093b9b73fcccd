import { describe, expect, it } from 'vitest';
import { resolveAcquireSite } from './acquireSite.ts';

const WRAPPER = '/app/src/db/LeakDetectingPool.ts';

describe('resolveAcquireSite', () => {
  it('skips the wrapper, Node internals and node_modules, and names the first application frame', () => {
    const stack = [
      'Error',
      `    at LeakDetectingPool.connect (${WRAPPER}:120:19)`,
      '    at Object.query (/app/node_modules/some-orm/index.js:10:5)',
      '    at async placeOrder (file:///app/src/orders.ts:42:18)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    ].join('\n');
    expect(resolveAcquireSite(stack, new Set([WRAPPER]))).toMatchObject({
      file: '/app/src/orders.ts',
      line: 42,
      column: 18,
      function: 'placeOrder',
    });
  });

  it('handles anonymous frames and extra skip files', () => {
    const stack = [
      'Error',
      '    at withDb (/app/src/db/helpers.ts:7:3)',
      '    at /app/src/routes/orders.ts:15:9',
    ].join('\n');
    const site = resolveAcquireSite(stack, new Set([WRAPPER, '/app/src/db/helpers.ts']));
    expect(site).toMatchObject({ file: '/app/src/routes/orders.ts', line: 15, column: 9, function: null });
  });

  it('says <unknown> when no frame is application code', () => {
    expect(resolveAcquireSite('Error\n    at node:internal/x:1:1', new Set()).text).toBe('<unknown>');
  });
});
