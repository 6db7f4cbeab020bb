package com.example.pricing;

import java.util.ArrayList;
import java.util.List;

/** Priced lines; the total applies the quantity discount of {@link Discount}. */
public final class Cart {
    private final List<Integer> lineCents = new ArrayList<>();
    private int quantity;

    public void add(int unitCents, int count) {
        lineCents.add(unitCents * count);
        quantity += count;
    }

    public int totalCents() {
        int sum = 0;
        for (int cents : lineCents) {
            sum += cents;
        }
        return sum - sum * Discount.percentFor(quantity) / 100;
    }
}
