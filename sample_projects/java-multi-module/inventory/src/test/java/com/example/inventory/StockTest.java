package com.example.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class StockTest {
    @Test
    void reservingLowersWhatIsAvailable() {
        Stock stock = new Stock(5);
        stock.reserve(3);
        assertEquals(2, stock.available());
    }

    @Test
    void cannotReserveMoreThanIsFree() {
        Stock stock = new Stock(2);
        assertFalse(stock.reserve(3));
    }
}
