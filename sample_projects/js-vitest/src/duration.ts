// Parses durations like "1h30m", "45m" or "2h" into minutes.
const UNITS: Record<string, number> = { h: 60, m: 1 };

export function parseDuration(text: string): number {
  let minutes = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([hm])/g)) {
    minutes = Number(amount) * UNITS[unit];
  }
  return minutes;
}
