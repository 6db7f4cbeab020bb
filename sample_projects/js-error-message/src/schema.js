'use strict';

// What the build configuration may contain: each key's type, default and check.
const SCHEMA = {
  outDir: { type: 'string', default: 'dist' },
  cacheDir: { type: 'string', default: '.cache' },
  jobs: { type: 'number', default: 0, check: (v) => Number.isInteger(v) && v >= 0, hint: 'a whole number, 0 for one per CPU' },
  sourceMaps: { type: 'boolean', default: true },
  targets: { type: 'array', items: 'string', default: ['es2020'] },
  define: { type: 'object', values: 'string', default: {} },
  watch: { type: 'object', default: { debounceMs: 100, ignore: [] } },
};

function typeOf(v) {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

// Problems of `config` against the schema, as messages; unknown keys included.
function check(config) {
  const problems = [];
  if (typeOf(config) !== 'object') {
    return [`the configuration must be an object, not ${typeOf(config)}`];
  }
  for (const [key, value] of Object.entries(config)) {
    const rule = SCHEMA[key];
    if (!rule) {
      const near = Object.keys(SCHEMA).find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push(`unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
      continue;
    }
    if (typeOf(value) !== rule.type) {
      problems.push(`"${key}" must be ${rule.type === 'array' ? 'an' : 'a'} ${rule.type}, not ${typeOf(value)}`);
      continue;
    }
    if (rule.items && value.some((v) => typeOf(v) !== rule.items)) {
      problems.push(`"${key}" must hold only ${rule.items}s`);
    }
    if (rule.values && Object.values(value).some((v) => typeOf(v) !== rule.values)) {
      problems.push(`"${key}" must map names to ${rule.values}s`);
    }
    if (rule.check && !rule.check(value)) {
      problems.push(`"${key}" must be ${rule.hint}`);
    }
  }
  return problems;
}

function withDefaults(config) {
  const out = {};
  for (const [key, rule] of Object.entries(SCHEMA)) {
    out[key] = key in config ? config[key] : structuredClone(rule.default);
  }
  return out;
}

module.exports = { SCHEMA, check, withDefaults };
