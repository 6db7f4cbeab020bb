const { unitPrice } = require('./pricing');

// The cart's total in cents, rounded to the cent.
function total(items) {
  let sum = 0;
  for (const item of items) {
    sum += unitPrice(item.price, item.quantity) * item.quantity;
  }
  return Math.round(sum);
}

module.exports = { total };
