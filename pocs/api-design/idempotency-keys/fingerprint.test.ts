import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from './fingerprint.ts';

describe('requestFingerprint', () => {
  it('ignores key order at every level but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(requestFingerprint('post', '/p', { a: 1, b: { c: 2, d: 3 } })).toBe(
      requestFingerprint('POST', '/p', { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestFingerprint('POST', '/p', [1, 2])).not.toBe(requestFingerprint('POST', '/p', [2, 1]));
  });

  it('changes with the method, the path and any parameter', () => {
    const base = requestFingerprint('POST', '/payments', { amount: 100 });
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('PUT', '/payments', { amount: 100 })).not.toBe(base);
    expect(requestFingerprint('POST', '/refunds', { amount: 100 })).not.toBe(base);
    expect(requestFingerprint('POST', '/payments', { amount: 101 })).not.toBe(base);
    expect(requestFingerprint('POST', '/payments', { amount: '100' })).not.toBe(base);
  });

  it('treats undefined properties as absent, like JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});
