import { test } from 'node:test';
import assert from 'node:assert';
import { readConfig } from '../src/config.js';

test('reads key = value lines', () => {
  assert.deepStrictEqual(readConfig('a = 1\nb = two'), { a: '1', b: 'two' });
});

test('skips comments and blank lines', () => {
  assert.deepStrictEqual(readConfig('# settings\n\na = 1\n'), { a: '1' });
});
