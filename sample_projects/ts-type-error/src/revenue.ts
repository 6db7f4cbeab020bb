import type { Order } from './types.js';

// Total revenue in cents over all orders.
export function revenue(orders: Order[]): number {
  let sum = 0;
  for (const o of orders) {
    sum += o.totalCents;
  }
  return sum;
}
