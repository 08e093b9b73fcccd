import { describe, expect, it } from 'vitest';
import { {{className}} } from './{{className}}.ts';

describe('{{className}}', () => {
  it.todo('proves the claim this POC makes (not just that it runs)');

  it('can be constructed', () => {
    expect(new {{className}}()).toBeDefined();
  });
});
