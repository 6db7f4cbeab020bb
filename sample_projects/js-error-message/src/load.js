'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { JsoncError, parse } = require('./jsonc/parser');
const { check, withDefaults } = require('./schema');

// Reads a configuration text. Never throws for a bad file: every problem is a
// message in `errors` (with its line where there is one), so an editor or a CLI
// can show them all at once. `config` has the defaults where the file is silent.
function loadConfig(text, { file = 'build.jsonc' } = {}) {
  const errors = [];
  const warnings = [];
  let raw = {};
  try {
    raw = parse(text, {
      onWarning: (w) => warnings.push(`${file}:${w.line}:${w.column}: ${w.message}`),
    });
  } catch (err) {
    if (!(err instanceof JsoncError)) throw err;
    errors.push(`${file}:${err.line}:${err.column}: ${err.message}`);
    return { config: withDefaults({}), errors, warnings };
  }
  for (const problem of check(raw)) {
    errors.push(`${file}: ${problem}`);
  }
  const config = withDefaults(typeof raw === 'object' && raw && !Array.isArray(raw) ? raw : {});
  return { config, errors, warnings };
}

// Reads `build.jsonc` (or `build.json`) from a directory.
function loadConfigFile(dir) {
  for (const name of ['build.jsonc', 'build.json']) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      return { file, ...loadConfig(fs.readFileSync(file, 'utf8'), { file: name }) };
    }
  }
  return { file: null, config: withDefaults({}), errors: [], warnings: [] };
}

module.exports = { loadConfig, loadConfigFile };
