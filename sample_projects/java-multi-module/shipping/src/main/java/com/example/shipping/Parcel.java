package com.example.shipping;

/** Postage: a base price plus a price per started kilogram. */
public final class Parcel {
    static final int BASE_CENTS = 490;
    static final int PER_KILO_CENTS = 120;

    private Parcel() {}

    public static int postageCents(int grams) {
        int kilos = (grams + 999) / 1000;
        return BASE_CENTS + PER_KILO_CENTS * Math.max(0, kilos - 1);
    }
}
