package com.example.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CartTest {
    @Test
    void smallCartsPayFullPrice() {
        Cart cart = new Cart();
        cart.add(250, 2);
        cart.add(100, 1);
        assertEquals(600, cart.totalCents());
    }

    @Test
    void tenItemsGetFivePercentOff() {
        Cart cart = new Cart();
        cart.add(200, 10);
        assertEquals(1900, cart.totalCents());
    }
}
