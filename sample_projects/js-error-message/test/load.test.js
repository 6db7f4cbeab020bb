'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { loadConfig } = require('../src');

test('comments, trailing commas and defaults', () => {
  const { config, errors } = loadConfig(`{
    // where bundles go
    "outDir": "build", /* relative to the project */
    "targets": ["es2020", "node18",],
  }`);
  assert.deepEqual(errors, []);
  assert.equal(config.outDir, 'build');
  assert.deepEqual(config.targets, ['es2020', 'node18']);
  assert.equal(config.sourceMaps, true);
});

test('escapes in strings', () => {
  const { config, errors } = loadConfig('{ "define": { "GREETING": "say \\"hi\\"\\n", "TAB": "\\u0009" } }');
  assert.deepEqual(errors, []);
  assert.equal(config.define.GREETING, 'say "hi"\n');
  assert.equal(config.define.TAB, '\t');
});

test('a Windows path ending in a backslash', () => {
  const { config, errors } = loadConfig('{ "jobs": 4, "cacheDir": "C:\\\\build\\\\cache\\\\" }');
  assert.deepEqual(errors, []);
  assert.equal(config.cacheDir, 'C:\\build\\cache\\');
  assert.equal(config.jobs, 4);
});

test('schema problems are collected, not thrown', () => {
  const { errors } = loadConfig('{ "jobs": -1, "OutDir": "x", "targets": [1] }');
  assert.deepEqual(errors, [
    'build.jsonc: "jobs" must be a whole number, 0 for one per CPU',
    'build.jsonc: unknown key "OutDir" (did you mean "outDir"?)',
    'build.jsonc: "targets" must hold only strings',
  ]);
});

test('syntax errors say where', () => {
  const { errors } = loadConfig('{\n  "outDir": "dist",\n  "jobs": 4\n');
  assert.deepEqual(errors, ['build.jsonc:4:1: unexpected end of input while parsing object']);
});
