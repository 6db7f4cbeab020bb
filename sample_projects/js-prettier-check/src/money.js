export function formatCents(cents) {
  const euros = Math.floor(cents/100)
  return "€" + euros + "." + String(cents % 100).padStart(2, "0");
}
