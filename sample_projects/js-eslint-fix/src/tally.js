export function tally(words) {
  let counts = {};
  for (const w of words) {
    var key = w.toLowerCase();
    counts[key] = (counts[key] || 0) + 1;
  }
  return counts;
}
