// Unit prices with the bulk discount: 10% off from 10 items on.
const BULK_QUANTITY = 10;
const BULK_DISCOUNT = 0.1;

function unitPrice(basePrice, quantity) {
  if (quantity > BULK_QUANTITY) {
    return basePrice * (1 - BULK_DISCOUNT);
  }
  return basePrice;
}

module.exports = { unitPrice, BULK_QUANTITY };
