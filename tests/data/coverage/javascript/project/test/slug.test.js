'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify, shout, Counter } = require('../lib/slug');

test('slugify joins words', () => {
  assert.strictEqual(slugify('Hello World'), 'hello-world');
});

test('slugify collapses spaces', () => {
  assert.strictEqual(slugify('Hello   World'), 'hello-world');
});

test('shout', () => {
  assert.strictEqual(shout('hi'), 'HI!');
});
