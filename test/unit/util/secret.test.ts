import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, Secret } from '../../../src/util/secret.ts';

describe('Secret', () => {
  const secret = new Secret('s3cr3t-value');

  it('prints as [redacted] however it is printed', () => {
    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe(REDACTED);
    expect(JSON.stringify({ user: 'a', secret })).toBe(`{"user":"a","secret":"${REDACTED}"}`);
    expect(inspect({ nested: { secret } })).not.toContain('s3cr3t');
    expect(Object.keys(secret)).toEqual([]);
  });

  it('gives the value to a caller that asks for it', () => {
    expect(secret.reveal()).toBe('s3cr3t-value');
  });
});
