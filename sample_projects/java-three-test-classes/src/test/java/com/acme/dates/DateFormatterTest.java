package com.acme.dates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DateFormatterTest {

    private static String format(String pattern, int y, int m, int d) {
        return DateFormatter.ofPattern(pattern).format(SimpleDate.of(y, m, d));
    }

    @Test
    void isoDate() {
        assertEquals("2024-02-29", DateFormatter.ISO_DATE.format(SimpleDate.of(2024, 2, 29)));
        assertEquals("0999-12-01", DateFormatter.ISO_DATE.format(SimpleDate.of(999, 12, 1)));
    }

    @Test
    void numericFieldsArePaddedToTheirWidth() {
        assertEquals("7/3/24", format("d/M/yy", 2024, 3, 7));
        assertEquals("07.03.2024", format("dd.MM.yyyy", 2024, 3, 7));
        assertEquals("067", format("DDD", 2024, 3, 7));
    }

    @Test
    void monthNames() {
        assertEquals("Sep", format("MMM", 2023, 9, 1));
        assertEquals("September 1, 2023", format("MMMM d, yyyy", 2023, 9, 1));
    }

    @Test
    void quotedLiterals() {
        assertEquals("day 5 of 2023", format("'day' D 'of' yyyy", 2023, 1, 5));
        assertEquals("o'clock 2023", format("'o''clock' yyyy", 2023, 1, 5));
        assertEquals("'2023", format("''yyyy", 2023, 1, 5));
    }

    @Test
    void unknownLettersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> DateFormatter.ofPattern("yyyy-QQ"));
        assertThrows(IllegalArgumentException.class, () -> DateFormatter.ofPattern("'open"));
    }

    @Test
    void shortAndLongNames() {
        assertEquals("Thu", format("EEE", 1970, 1, 1));
        assertEquals("Thursday", format("EEEE", 1970, 1, 1));
        assertEquals("Saturday", format("EEEE", 2022, 1, 1));
    }

    @Test
    void weekdayAfterALeapDay() {
        assertEquals("Friday", format("EEEE", 2024, 3, 1));
        assertEquals("Wednesday", format("EEEE", 2023, 3, 1));
    }

    @Test
    void weekdayAfterACenturyLeapDay() {
        assertEquals("Tuesday", format("EEEE", 2000, 2, 29));
        assertEquals("Wednesday", format("EEEE", 2000, 3, 1));
    }

    @Test
    void describe() {
        assertEquals("Sunday, July 20, 1969", DateFormatter.describe(SimpleDate.of(1969, 7, 20)));
    }

    @Test
    void weekOneHoldsTheFirstThursday() {
        assertEquals("2020-W01-1", DateFormatter.ISO_WEEK.format(SimpleDate.of(2019, 12, 30)));
        assertEquals("2021-W01-1", DateFormatter.ISO_WEEK.format(SimpleDate.of(2021, 1, 4)));
    }

    @Test
    void lastDaysOfAYearCanBeWeek53() {
        assertEquals("2020-W53-5", DateFormatter.ISO_WEEK.format(SimpleDate.of(2021, 1, 1)));
        assertEquals("2015-W53-7", DateFormatter.ISO_WEEK.format(SimpleDate.of(2016, 1, 3)));
    }

    @Test
    void ordinal() {
        assertEquals("2023-365", DateFormatter.ISO_ORDINAL.format(SimpleDate.of(2023, 12, 31)));
        assertEquals("2024-366", DateFormatter.ISO_ORDINAL.format(SimpleDate.of(2024, 12, 31)));
    }
}
