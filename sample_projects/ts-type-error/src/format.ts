import type { Order } from './types.js';

// "#A12 — 12.50" for an order of 1250 cents.
export function describe(order: Order): string {
  const amount = (order.totalCents / 100).toFixed(2);
  return `#${order.id} — ${amount}`;
}
