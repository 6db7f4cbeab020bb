package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InventoryTest {
    @Test
    void countsItems() {
        Inventory inv = new Inventory();
        inv.add("apple");
        inv.add("pear");
        assertEquals(2, inv.count());
    }
}
