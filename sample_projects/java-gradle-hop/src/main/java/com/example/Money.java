package com.example;

/** Amounts of money held as whole cents. */
final class Money {
    private Money() {}

    /** 1205 -> "$12.05": dollars, a dot, always two digits of cents. */
    static String format(int cents) {
        return "$" + cents / 100 + "." + cents % 100;
    }
}
