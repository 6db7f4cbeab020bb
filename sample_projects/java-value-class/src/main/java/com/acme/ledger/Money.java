package com.acme.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An amount of money in one currency, held as a whole number of minor units (cents).
 *
 * <p>Immutable. Amounts of different currencies never mix: adding EUR to USD throws.
 */
public final class Money implements Comparable<Money> {
    public static final String DEFAULT_CURRENCY = "EUR";

    private final long cents;
    private final String currency;

    private Money(long cents, String currency) {
        this.cents = cents;
        this.currency = currency;
    }

    public static Money ofCents(long cents, String currency) {
        return new Money(cents, checkCurrency(currency));
    }

    public static Money ofCents(long cents) {
        return ofCents(cents, DEFAULT_CURRENCY);
    }

    public static Money zero(String currency) {
        return ofCents(0, currency);
    }

    /**
     * Parses an amount as people write it: {@code 12}, {@code 12.5}, {@code 12.50},
     * {@code -3.99}, {@code 1,234.56}, optionally followed by a currency code
     * ({@code 12.50 USD}). At most two decimals.
     */
    public static Money parse(String text) {
        String s = text.trim();
        String currency = DEFAULT_CURRENCY;
        int space = s.lastIndexOf(' ');
        if (space > 0 && s.substring(space + 1).matches("[A-Z]{3}")) {
            currency = s.substring(space + 1);
            s = s.substring(0, space).trim();
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        s = s.replace(",", "");
        String whole = s;
        String fraction = "";
        int dot = s.indexOf('.');
        if (dot >= 0) {
            whole = s.substring(0, dot);
            fraction = s.substring(dot + 1);
        }
        if (whole.isEmpty() || !whole.chars().allMatch(Character::isDigit)
                || fraction.length() > 2 || !fraction.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not an amount: \"" + text + "\"");
        }
        long units = Long.parseLong(whole);
        long minor = fraction.isEmpty() ? 0 : Long.parseLong(String.format("%2s", fraction).replace(' ', '0'));
        long cents = Math.addExact(Math.multiplyExact(units, 100L), minor);
        return new Money(negative ? -cents : cents, checkCurrency(currency));
    }

    public static Money of(BigDecimal amount, String currency) {
        BigDecimal scaled = amount.setScale(2, RoundingMode.HALF_EVEN);
        return ofCents(scaled.movePointRight(2).longValueExact(), currency);
    }

    private static String checkCurrency(String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("not an ISO 4217 currency code: " + currency);
        }
        return currency;
    }

    public long getCents() {
        return cents;
    }

    public String getCurrency() {
        return currency;
    }

    public boolean isZero() {
        return cents == 0;
    }

    public boolean isNegative() {
        return cents < 0;
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(cents, other.cents), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(cents, other.cents), currency);
    }

    public Money negate() {
        return new Money(Math.negateExact(cents), currency);
    }

    public Money abs() {
        return cents < 0 ? negate() : this;
    }

    /** This amount times {@code factor}, rounded half-even to the cent. */
    public Money times(BigDecimal factor) {
        return of(toBigDecimal().multiply(factor), currency);
    }

    /** Splits into {@code parts} amounts that differ by at most a cent and add up to this one. */
    public Money[] allocate(int parts) {
        if (parts <= 0) {
            throw new IllegalArgumentException("parts must be positive: " + parts);
        }
        Money[] out = new Money[parts];
        long base = cents / parts;
        long remainder = cents % parts;
        for (int i = 0; i < parts; i++) {
            out[i] = new Money(base + (i < Math.abs(remainder) ? Long.signum(remainder) : 0), currency);
        }
        return out;
    }

    public BigDecimal toBigDecimal() {
        return BigDecimal.valueOf(cents, 2);
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("currency mismatch: " + currency + " and " + other.currency);
        }
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return Long.compare(cents, other.cents);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Money)) {
            return false;
        }
        Money m = (Money) o;
        return cents == m.cents && currency.equals(m.currency);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cents, currency);
    }

    /** {@code 1234.50 EUR}, {@code -3.99 USD}. */
    @Override
    public String toString() {
        long abs = Math.abs(cents);
        return (cents < 0 ? "-" : "") + abs / 100 + "." + (abs % 100 < 10 ? "0" : "") + abs % 100 + " " + currency;
    }
}
