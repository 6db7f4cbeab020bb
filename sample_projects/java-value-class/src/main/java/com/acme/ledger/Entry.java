package com.acme.ledger;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A journal entry: a dated description and its debit and credit lines. */
public final class Entry {

    /** One line: an amount debited (positive) or credited (negative) to an account. */
    public static final class Line {
        private final String account;
        private final Money amount;
        private final String memo;

        Line(String account, Money amount, String memo) {
            this.account = account;
            this.amount = amount;
            this.memo = memo;
        }

        public String getAccount() {
            return account;
        }

        /** Positive for a debit, negative for a credit. */
        public Money getAmount() {
            return amount;
        }

        public String getMemo() {
            return memo;
        }

        public boolean isDebit() {
            return !amount.isNegative();
        }

        @Override
        public String toString() {
            return (isDebit() ? "Dr " : "Cr ") + account + " " + amount.abs() + (memo.isEmpty() ? "" : " (" + memo + ")");
        }
    }

    private final LocalDate date;
    private final String description;
    private final List<Line> lines;

    private Entry(LocalDate date, String description, List<Line> lines) {
        this.date = date;
        this.description = description;
        this.lines = List.copyOf(lines);
    }

    public static Builder on(LocalDate date, String description) {
        return new Builder(date, description);
    }

    public LocalDate getDate() {
        return date;
    }

    public String getDescription() {
        return description;
    }

    public List<Line> getLines() {
        return lines;
    }

    public String currency() {
        return lines.isEmpty() ? Money.DEFAULT_CURRENCY : lines.get(0).amount.getCurrency();
    }

    /** The sum of the debit lines. */
    public Money debits() {
        Money sum = Money.zero(currency());
        for (Line l : lines) {
            if (l.isDebit()) {
                sum = sum.plus(l.amount);
            }
        }
        return sum;
    }

    /** The sum of the credit lines, as a positive amount. */
    public Money credits() {
        Money sum = Money.zero(currency());
        for (Line l : lines) {
            if (!l.isDebit()) {
                sum = sum.plus(l.amount.negate());
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        return date + " " + description + " " + lines;
    }

    /** Builds an entry line by line; amounts are parsed with {@link Money#parse}. */
    public static final class Builder {
        private final LocalDate date;
        private final String description;
        private final List<Line> lines = new ArrayList<>();

        Builder(LocalDate date, String description) {
            this.date = Objects.requireNonNull(date, "date");
            this.description = Objects.requireNonNull(description, "description");
        }

        public Builder debit(String account, String amount) {
            return debit(account, amount, "");
        }

        public Builder debit(String account, String amount, String memo) {
            Money m = Money.parse(amount);
            if (m.isNegative() || m.isZero()) {
                throw new IllegalArgumentException("a debit must be positive: " + amount);
            }
            lines.add(new Line(account, m, memo));
            return this;
        }

        public Builder credit(String account, String amount) {
            return credit(account, amount, "");
        }

        public Builder credit(String account, String amount, String memo) {
            Money m = Money.parse(amount);
            if (m.isNegative() || m.isZero()) {
                throw new IllegalArgumentException("a credit must be positive: " + amount);
            }
            lines.add(new Line(account, m.negate(), memo));
            return this;
        }

        public Entry build() {
            if (lines.size() < 2) {
                throw new IllegalStateException("an entry needs at least two lines: " + description);
            }
            return new Entry(date, description, lines);
        }
    }
}
