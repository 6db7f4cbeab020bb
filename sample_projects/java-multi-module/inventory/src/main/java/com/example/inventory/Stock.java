package com.example.inventory;

/** Units on the shelf, some of them reserved for open orders. */
public final class Stock {
    private final int onHand;
    private int reserved;

    public Stock(int onHand) {
        this.onHand = onHand;
    }

    /** Reserves {@code count} units if that many are still free. */
    public boolean reserve(int count) {
        if (count > available()) {
            return false;
        }
        reserved += count;
        return true;
    }

    public int available() {
        return onHand - reserved;
    }
}
