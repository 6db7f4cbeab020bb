package com.acme.dates;

import java.util.Objects;

/**
 * A month of a year in the proleptic Gregorian calendar, such as {@code 2024-02}.
 *
 * <p>Immutable; the calendar arithmetic of {@link SimpleDate} is built on it.
 */
public final class YearMonth implements Comparable<YearMonth> {
    public static final int MIN_YEAR = -999_999;
    public static final int MAX_YEAR = 999_999;

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private final int year;
    private final int month;

    private YearMonth(int year, int month) {
        this.year = year;
        this.month = month;
    }

    public static YearMonth of(int year, int month) {
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new IllegalArgumentException("year out of range: " + year);
        }
        if (month < 1 || month > 12) {
            throw new IllegalArgumentException("month out of range: " + month);
        }
        return new YearMonth(year, month);
    }

    /** Parses {@code yyyy-MM}. */
    public static YearMonth parse(CharSequence text) {
        String s = text.toString().trim();
        int dash = s.lastIndexOf('-');
        if (dash <= 0 || dash == s.length() - 1) {
            throw new DateParseException("expected yyyy-MM", s, 0);
        }
        try {
            return of(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new DateParseException("expected yyyy-MM", s, 0);
        }
    }

    /** Whether {@code year} has a February 29th. */
    public static boolean isLeap(int year) {
        return year % 4 == 0 && year % 100 != 0;
    }

    public int getYear() {
        return year;
    }

    public int getMonth() {
        return month;
    }

    public boolean isLeapYear() {
        return isLeap(year);
    }

    public int lengthOfMonth() {
        return month == 2 && isLeapYear() ? 29 : DAYS_IN_MONTH[month - 1];
    }

    public int lengthOfYear() {
        return isLeapYear() ? 366 : 365;
    }

    /** Days in the year before the first of this month. */
    public int daysBeforeMonth() {
        int days = 0;
        for (int m = 1; m < month; m++) {
            days += m == 2 && isLeapYear() ? 29 : DAYS_IN_MONTH[m - 1];
        }
        return days;
    }

    public YearMonth plusMonths(long months) {
        if (months == 0) {
            return this;
        }
        long total = year * 12L + (month - 1) + months;
        int y = (int) Math.floorDiv(total, 12);
        int m = (int) Math.floorMod(total, 12) + 1;
        return of(y, m);
    }

    public YearMonth minusMonths(long months) {
        return plusMonths(-months);
    }

    public YearMonth plusYears(long years) {
        return years == 0 ? this : of(Math.toIntExact(year + years), month);
    }

    public SimpleDate atDay(int day) {
        return SimpleDate.of(year, month, day);
    }

    public SimpleDate atEndOfMonth() {
        return SimpleDate.of(year, month, lengthOfMonth());
    }

    public boolean isValidDay(int day) {
        return day >= 1 && day <= lengthOfMonth();
    }

    @Override
    public int compareTo(YearMonth other) {
        int c = Integer.compare(year, other.year);
        return c != 0 ? c : Integer.compare(month, other.month);
    }

    public boolean isBefore(YearMonth other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(YearMonth other) {
        return compareTo(other) > 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof YearMonth)) {
            return false;
        }
        YearMonth other = (YearMonth) o;
        return year == other.year && month == other.month;
    }

    @Override
    public int hashCode() {
        return Objects.hash(year, month);
    }

    @Override
    public String toString() {
        String y = Math.abs(year) < 1000
                ? (year < 0 ? "-" : "") + String.format("%04d", Math.abs(year))
                : Integer.toString(year);
        return y + (month < 10 ? "-0" : "-") + month;
    }
}
