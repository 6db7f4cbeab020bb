package com.example.pricing;

/** Percent off by the number of items: from 10 items 5 %, from 50 items 10 %. */
final class Discount {
    private static final int[][] TIERS = {{10, 5}, {50, 10}};

    private Discount() {}

    static int percentFor(int quantity) {
        int percent = 0;
        for (int[] tier : TIERS) {
            if (quantity > tier[0]) {
                percent = tier[1];
            }
        }
        return percent;
    }
}
