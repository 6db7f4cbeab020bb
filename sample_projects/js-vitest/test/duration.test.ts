import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/duration';

describe('parseDuration', () => {
  it('reads minutes', () => {
    expect(parseDuration('45m')).toBe(45);
  });

  it('reads hours and minutes', () => {
    expect(parseDuration('1h30m')).toBe(90);
  });
});
