package com.acme.dates;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats dates by a pattern of letters, as {@code java.text.SimpleDateFormat} does for dates.
 *
 * <table>
 *   <caption>Pattern letters</caption>
 *   <tr><td>{@code yyyy}, {@code yy}</td><td>year, two-digit year</td></tr>
 *   <tr><td>{@code M}, {@code MM}, {@code MMM}, {@code MMMM}</td><td>month: 2, 02, Feb, February</td></tr>
 *   <tr><td>{@code d}, {@code dd}</td><td>day of month</td></tr>
 *   <tr><td>{@code D}, {@code DDD}</td><td>day of year</td></tr>
 *   <tr><td>{@code E}/{@code EEE}, {@code EEEE}</td><td>day of week: Thu, Thursday</td></tr>
 *   <tr><td>{@code w}, {@code ww}, {@code Y}</td><td>ISO week and week-based year</td></tr>
 *   <tr><td>{@code 'text'}</td><td>literal text ({@code ''} for a quote)</td></tr>
 * </table>
 *
 * <p>Compiled once; a formatter is immutable and safe to share.
 */
public final class DateFormatter {
    public static final DateFormatter ISO_DATE = DateFormatter.ofPattern("yyyy-MM-dd");
    public static final DateFormatter ISO_ORDINAL = DateFormatter.ofPattern("yyyy-DDD");
    public static final DateFormatter ISO_WEEK = DateFormatter.ofPattern("YYYY-'W'ww-e");

    private static final String[] MONTH_NAMES = {
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December"
    };

    private interface Part {
        void append(StringBuilder out, SimpleDate date);
    }

    private final String pattern;
    private final List<Part> parts;

    private DateFormatter(String pattern, List<Part> parts) {
        this.pattern = pattern;
        this.parts = parts;
    }

    public static DateFormatter ofPattern(String pattern) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                int end = i + 1;
                StringBuilder literal = new StringBuilder();
                while (true) {
                    if (end >= pattern.length()) {
                        throw new IllegalArgumentException("unterminated quote in pattern: " + pattern);
                    }
                    char q = pattern.charAt(end);
                    if (q == '\'') {
                        if (end + 1 < pattern.length() && pattern.charAt(end + 1) == '\'') {
                            literal.append('\'');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    literal.append(q);
                    end++;
                }
                String text = end == i + 1 ? "'" : literal.toString();
                parts.add((out, d) -> out.append(text));
                i = end + 1;
                continue;
            }
            if (!Character.isLetter(c)) {
                parts.add((out, d) -> out.append(c));
                i++;
                continue;
            }
            int run = 1;
            while (i + run < pattern.length() && pattern.charAt(i + run) == c) {
                run++;
            }
            parts.add(field(c, run, pattern));
            i += run;
        }
        return new DateFormatter(pattern, List.copyOf(parts));
    }

    private static Part field(char letter, int width, String pattern) {
        switch (letter) {
            case 'y':
                if (width == 2) {
                    return (out, d) -> pad(out, Math.floorMod(d.getYear(), 100), 2);
                }
                return (out, d) -> pad(out, d.getYear(), width);
            case 'Y':
                return (out, d) -> pad(out, weekBasedYear(d), width == 2 ? 2 : 4);
            case 'M':
                if (width >= 4) {
                    return (out, d) -> out.append(MONTH_NAMES[d.getMonth() - 1]);
                }
                if (width == 3) {
                    return (out, d) -> out.append(MONTH_NAMES[d.getMonth() - 1], 0, 3);
                }
                return (out, d) -> pad(out, d.getMonth(), width);
            case 'd':
                return (out, d) -> pad(out, d.getDay(), width);
            case 'D':
                return (out, d) -> pad(out, d.dayOfYear(), width);
            case 'E':
                if (width >= 4) {
                    return (out, d) -> out.append(d.dayOfWeek().displayName());
                }
                return (out, d) -> out.append(d.dayOfWeek().shortName());
            case 'e':
                return (out, d) -> pad(out, d.dayOfWeek().getValue(), width);
            case 'w':
                return (out, d) -> pad(out, isoWeek(d), width);
            default:
                throw new IllegalArgumentException("unknown pattern letter '" + letter + "' in " + pattern);
        }
    }

    public String format(SimpleDate date) {
        StringBuilder out = new StringBuilder(pattern.length() + 8);
        for (Part p : parts) {
            p.append(out, date);
        }
        return out.toString();
    }

    public String getPattern() {
        return pattern;
    }

    /** The ISO week (1-53) holding {@code date}: weeks start on Monday, week 1 holds January 4th. */
    static int isoWeek(SimpleDate date) {
        int year = weekBasedYear(date);
        SimpleDate jan4 = SimpleDate.of(year, 1, 4);
        SimpleDate week1Monday = jan4.minusDays(jan4.dayOfWeek().getValue() - 1);
        return (int) (week1Monday.daysUntil(date) / 7) + 1;
    }

    /** The year the ISO week of {@code date} belongs to (differs near January 1st). */
    static int weekBasedYear(SimpleDate date) {
        int year = date.getYear();
        int dow = date.dayOfWeek().getValue();
        // The Thursday of the date's week decides its year.
        SimpleDate thursday = date.plusDays(4 - dow);
        if (thursday.getYear() != year) {
            return thursday.getYear();
        }
        return year;
    }

    private static void pad(StringBuilder out, int value, int width) {
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        out.append(digits);
    }

    @Override
    public String toString() {
        return "DateFormatter[" + pattern + "]";
    }

    /** The long English form, "Thursday, February 29, 2024", whatever the default locale. */
    public static String describe(SimpleDate date) {
        return String.format(Locale.ROOT, "%s, %s %d, %d",
                date.dayOfWeek().displayName(), MONTH_NAMES[date.getMonth() - 1], date.getDay(), date.getYear());
    }
}
