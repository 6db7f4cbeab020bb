import { parseLine } from './parse.js';

// Reads `key = value` lines into an object; `#` starts a comment line.
export function readConfig(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    out[entry.key] = entry.value;
  }
  return out;
}
