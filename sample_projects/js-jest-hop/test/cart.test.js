const { total } = require('../src/cart');

describe('cart', () => {
  test('total of single items', () => {
    expect(total([{ price: 250, quantity: 1 }, { price: 100, quantity: 2 }])).toBe(450);
  });

  test('total applies the bulk discount from ten items', () => {
    expect(total([{ price: 100, quantity: 10 }])).toBe(900);
  });
});
