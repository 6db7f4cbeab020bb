package com.acme.dates;

import java.util.Objects;

/**
 * A date without a time zone in the proleptic Gregorian calendar, such as {@code 2024-02-29}.
 *
 * <p>Immutable. Day arithmetic goes through the epoch day (days since 1970-01-01).
 */
public final class SimpleDate implements Comparable<SimpleDate> {
    /** Days from 0000-01-01 to 1970-01-01. */
    private static final long DAYS_0000_TO_1970 = 719_528L;

    private final int year;
    private final int month;
    private final int day;

    private SimpleDate(int year, int month, int day) {
        this.year = year;
        this.month = month;
        this.day = day;
    }

    /** The date; throws {@link DateParseException} for a day the month does not have. */
    public static SimpleDate of(int year, int month, int day) {
        YearMonth ym = YearMonth.of(year, month);
        if (!ym.isValidDay(day)) {
            throw new DateParseException("day " + day + " is out of range for " + ym, ym + "-" + day, 0);
        }
        return new SimpleDate(year, month, day);
    }

    /** The date {@code epochDay} days after 1970-01-01 (before it when negative). */
    public static SimpleDate ofEpochDay(long epochDay) {
        // Civil-from-days over 400-year eras, with years starting on March 1st.
        long z = epochDay + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        return of(Math.toIntExact(m <= 2 ? y + 1 : y), m, d);
    }

    /** The {@code dayOfYear}th day (1-based) of {@code year}. */
    public static SimpleDate ofYearDay(int year, int dayOfYear) {
        YearMonth first = YearMonth.of(year, 1);
        if (dayOfYear < 1 || dayOfYear > first.lengthOfYear()) {
            throw new DateParseException("day of year " + dayOfYear + " is out of range for " + year, year + "-" + dayOfYear, 0);
        }
        return ofEpochDay(first.atDay(1).toEpochDay() + dayOfYear - 1);
    }

    public int getYear() {
        return year;
    }

    public int getMonth() {
        return month;
    }

    public int getDay() {
        return day;
    }

    public YearMonth yearMonth() {
        return YearMonth.of(year, month);
    }

    public int dayOfYear() {
        return yearMonth().daysBeforeMonth() + day;
    }

    public long toEpochDay() {
        long y = year;
        // Days in the years before this one: 365 each, plus their leap days.
        long days = 365 * y;
        if (y > 0) {
            days += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        } else {
            days -= y / -4 - y / -100 + y / -400;
        }
        return days + dayOfYear() - 1 - DAYS_0000_TO_1970;
    }

    public DayOfWeek dayOfWeek() {
        // 1970-01-01 was a Thursday.
        return DayOfWeek.of((int) Math.floorMod(toEpochDay() + 3, 7L) + 1);
    }

    public SimpleDate plusDays(long days) {
        return days == 0 ? this : ofEpochDay(Math.addExact(toEpochDay(), days));
    }

    public SimpleDate minusDays(long days) {
        return plusDays(-days);
    }

    /** The same day {@code months} later, clamped to the end of a shorter month. */
    public SimpleDate plusMonths(long months) {
        YearMonth ym = yearMonth().plusMonths(months);
        return of(ym.getYear(), ym.getMonth(), Math.min(day, ym.lengthOfMonth()));
    }

    public SimpleDate plusYears(long years) {
        return plusMonths(Math.multiplyExact(years, 12L));
    }

    public long daysUntil(SimpleDate end) {
        return end.toEpochDay() - toEpochDay();
    }

    public boolean isLeapYear() {
        return YearMonth.isLeap(year);
    }

    @Override
    public int compareTo(SimpleDate o) {
        int c = Integer.compare(year, o.year);
        if (c == 0) {
            c = Integer.compare(month, o.month);
        }
        return c != 0 ? c : Integer.compare(day, o.day);
    }

    public boolean isBefore(SimpleDate o) {
        return compareTo(o) < 0;
    }

    public boolean isAfter(SimpleDate o) {
        return compareTo(o) > 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SimpleDate)) {
            return false;
        }
        SimpleDate d = (SimpleDate) o;
        return year == d.year && month == d.month && day == d.day;
    }

    @Override
    public int hashCode() {
        return Objects.hash(year, month, day);
    }

    /** ISO 8601: {@code 2024-02-29}. */
    @Override
    public String toString() {
        return yearMonth() + (day < 10 ? "-0" : "-") + day;
    }
}
