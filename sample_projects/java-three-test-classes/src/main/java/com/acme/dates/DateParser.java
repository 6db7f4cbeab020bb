package com.acme.dates;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads dates written the ways people and systems write them.
 *
 * <p>Accepted, in the order they are tried:
 * <ul>
 *   <li>ISO 8601 calendar dates: {@code 2024-02-29}, basic {@code 20240229};</li>
 *   <li>ISO ordinal dates: {@code 2024-060};</li>
 *   <li>ISO week dates: {@code 2024-W09-4};</li>
 *   <li>numeric with slashes or dots, day first unless {@link Order#MONTH_FIRST}:
 *       {@code 29/02/2024}, {@code 29.2.2024}, {@code 02/29/2024};</li>
 *   <li>with a month name: {@code 29 Feb 2024}, {@code February 29, 2024}, {@code 29-Feb-2024}.</li>
 * </ul>
 *
 * <p>A date that does not exist ({@code 2023-02-29}) is an error, never rolled over.
 */
public final class DateParser {

    /** How to read an ambiguous numeric date such as {@code 03/04/2024}. */
    public enum Order {
        DAY_FIRST,
        MONTH_FIRST
    }

    private static final Map<String, Integer> MONTHS;

    static {
        Map<String, Integer> m = new HashMap<>();
        String[] names = {
            "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december"
        };
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], i + 1);
            m.put(names[i].substring(0, 3), i + 1);
        }
        m.put("sept", 9);
        MONTHS = Collections.unmodifiableMap(m);
    }

    private final Order order;
    private final int pivotYear;

    /** Day-first numeric dates; two-digit years fall in the 100 years up to 2049. */
    public DateParser() {
        this(Order.DAY_FIRST, 2049);
    }

    /**
     * @param order how to read ambiguous numeric dates
     * @param pivotYear two-digit years are read as the latest year not after this one
     */
    public DateParser(Order order, int pivotYear) {
        this.order = order;
        this.pivotYear = pivotYear;
    }

    public SimpleDate parse(CharSequence input) {
        String text = input.toString().trim();
        if (text.isEmpty()) {
            throw new DateParseException("empty date", input, 0);
        }
        char first = text.charAt(0);
        if (Character.isDigit(first) || first == '+' || first == '-') {
            SimpleDate iso = tryIso(text);
            if (iso != null) {
                return iso;
            }
            SimpleDate numeric = tryNumeric(text);
            if (numeric != null) {
                return numeric;
            }
        }
        SimpleDate named = tryMonthName(text);
        if (named != null) {
            return named;
        }
        throw new DateParseException("not a date", input, 0);
    }

    /** Like {@link #parse} but null for text that is not a date. */
    public SimpleDate parseOrNull(CharSequence input) {
        try {
            return parse(input);
        } catch (DateParseException e) {
            return null;
        }
    }

    /** Every date of a list separated by semicolons (commas belong to "February 29, 2024"). */
    public List<SimpleDate> parseList(CharSequence input) {
        List<SimpleDate> out = new ArrayList<>();
        for (String part : input.toString().split(";")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return out;
    }

    private SimpleDate tryIso(String text) {
        int sign = 1;
        int i = 0;
        if (text.charAt(0) == '+' || text.charAt(0) == '-') {
            sign = text.charAt(0) == '-' ? -1 : 1;
            i = 1;
        }
        int yearEnd = i;
        while (yearEnd < text.length() && Character.isDigit(text.charAt(yearEnd))) {
            yearEnd++;
        }
        int digits = yearEnd - i;
        if (digits == 8 && yearEnd == text.length()) {
            // Basic format: yyyyMMdd.
            return SimpleDate.of(sign * number(text, i, i + 4), number(text, i + 4, i + 6), number(text, i + 6, i + 8));
        }
        if (digits < 4 || yearEnd >= text.length() || text.charAt(yearEnd) != '-') {
            return null;
        }
        int year = sign * number(text, i, yearEnd);
        String rest = text.substring(yearEnd + 1);
        if (rest.matches("\\d{2}-\\d{2}")) {
            return SimpleDate.of(year, number(rest, 0, 2), number(rest, 3, 5));
        }
        if (rest.matches("\\d{3}")) {
            return SimpleDate.ofYearDay(year, number(rest, 0, 3));
        }
        if (rest.matches("W\\d{2}(-[1-7])?")) {
            int week = number(rest, 1, 3);
            int dow = rest.length() > 3 ? number(rest, 4, 5) : 1;
            return weekDate(year, week, dow, text);
        }
        throw new DateParseException("not an ISO 8601 date", text, yearEnd + 1);
    }

    /** The day of ISO week {@code week} of {@code weekYear}: week 1 holds the year's first Thursday. */
    static SimpleDate weekDate(int weekYear, int week, int dayOfWeek, CharSequence input) {
        SimpleDate jan4 = SimpleDate.of(weekYear, 1, 4);
        SimpleDate week1Monday = jan4.minusDays(jan4.dayOfWeek().getValue() - 1);
        int weeks = weeksInYear(weekYear);
        if (week < 1 || week > weeks) {
            throw new DateParseException("week " + week + " is out of range for " + weekYear, input, 0);
        }
        return week1Monday.plusDays((week - 1) * 7L + dayOfWeek - 1);
    }

    /** 53 for years starting on a Thursday, and leap years starting on a Wednesday; else 52. */
    static int weeksInYear(int year) {
        DayOfWeek jan1 = SimpleDate.of(year, 1, 1).dayOfWeek();
        if (jan1 == DayOfWeek.THURSDAY || (jan1 == DayOfWeek.WEDNESDAY && YearMonth.isLeap(year))) {
            return 53;
        }
        return 52;
    }

    private SimpleDate tryNumeric(String text) {
        String[] parts = text.split("[/.]", -1);
        if (parts.length != 3) {
            return null;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(Character::isDigit)) {
                return null;
            }
        }
        int a = Integer.parseInt(parts[0]);
        int b = Integer.parseInt(parts[1]);
        int year = year(parts[2]);
        if (parts[0].length() == 4) {
            // 2024/02/29: year first is never ambiguous.
            return SimpleDate.of(a, b, Integer.parseInt(parts[2]));
        }
        // 13/02/2024 can only be day first, 02/13/2024 only month first.
        boolean dayFirst = a > 12 || (b <= 12 && order == Order.DAY_FIRST);
        return dayFirst ? SimpleDate.of(year, b, a) : SimpleDate.of(year, a, b);
    }

    private SimpleDate tryMonthName(String text) {
        String[] words = text.replace(',', ' ').replace('-', ' ').trim().split("\\s+");
        if (words.length != 3) {
            return null;
        }
        Integer month = month(words[0]);
        if (month != null) {
            // February 29 2024
            return SimpleDate.of(year(words[2]), month, day(words[1], text));
        }
        month = month(words[1]);
        if (month != null) {
            // 29 February 2024
            return SimpleDate.of(year(words[2]), month, day(words[0], text));
        }
        return null;
    }

    private static Integer month(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (w.endsWith(".")) {
            w = w.substring(0, w.length() - 1);
        }
        return MONTHS.get(w);
    }

    /** "29", "29th", "1st", "2nd", "3rd". */
    private static int day(String word, String input) {
        String w = word.toLowerCase(Locale.ROOT).replaceAll("(st|nd|rd|th)$", "");
        if (w.isEmpty() || w.length() > 2 || !w.chars().allMatch(Character::isDigit)) {
            throw new DateParseException("not a day of the month", input, input.indexOf(word));
        }
        return Integer.parseInt(w);
    }

    private int year(String text) {
        if (!text.chars().allMatch(Character::isDigit)) {
            throw new DateParseException("not a year", text, 0);
        }
        int y = Integer.parseInt(text);
        if (text.length() > 2) {
            return y;
        }
        int century = pivotYear / 100 * 100;
        int candidate = century + y;
        return candidate > pivotYear ? candidate - 100 : candidate;
    }

    private static int number(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new DateParseException("expected a digit", text, i);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
