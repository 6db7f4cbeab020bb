// One `key = value` line; null for blank and comment lines.
export function parseLine(line) {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) {
    return null;
  }
  const i = t.indexOf('=');
  return { key: t.slice(0, i).trim(), value: t.slice(i + 1).trim() };
}
