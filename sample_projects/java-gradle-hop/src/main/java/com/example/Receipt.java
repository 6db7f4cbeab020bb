package com.example;

/** The closing line of a till receipt. */
public final class Receipt {
    private Receipt() {}

    /** "Total: $12.05" for items of 1000 and 205 cents. */
    public static String totalLine(int... itemCents) {
        int sum = 0;
        for (int cents : itemCents) {
            sum += cents;
        }
        return "Total: " + Money.format(sum);
    }
}
