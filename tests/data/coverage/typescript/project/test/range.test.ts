import test from 'node:test';
import assert from 'node:assert';
import { length, overlaps } from '../src/range';

test('length', () => {
  assert.strictEqual(length({ start: 2, end: 5 }), 3);
});

test('overlaps', () => {
  assert.strictEqual(overlaps({ start: 0, end: 2 }, { start: 1, end: 3 }), true);
});
