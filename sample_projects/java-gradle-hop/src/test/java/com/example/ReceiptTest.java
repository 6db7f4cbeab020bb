package com.example;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class ReceiptTest {
    @Test
    public void addsUpTheItems() {
        assertEquals("Total: $12.34", Receipt.totalLine(1000, 234));
    }

    @Test
    public void padsCentsBelowTen() {
        assertEquals("Total: $12.05", Receipt.totalLine(1000, 205));
    }
}
