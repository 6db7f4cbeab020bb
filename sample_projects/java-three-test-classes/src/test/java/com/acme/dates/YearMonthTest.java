package com.acme.dates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class YearMonthTest {

    @Test
    void lengths() {
        assertEquals(31, YearMonth.of(2023, 1).lengthOfMonth());
        assertEquals(30, YearMonth.of(2023, 4).lengthOfMonth());
        assertEquals(28, YearMonth.of(2023, 2).lengthOfMonth());
        assertEquals(29, YearMonth.of(2024, 2).lengthOfMonth());
        assertEquals(365, YearMonth.of(2023, 6).lengthOfYear());
    }

    @Test
    void leapYearsFollowTheGregorianRules() {
        assertTrue(YearMonth.isLeap(2024));
        assertFalse(YearMonth.isLeap(2023));
        assertFalse(YearMonth.isLeap(1900));
        assertFalse(YearMonth.isLeap(2100));
        assertTrue(YearMonth.isLeap(2000));
        assertTrue(YearMonth.isLeap(1600));
    }

    @Test
    void februaryOf2000HasTwentyNineDays() {
        assertEquals(29, YearMonth.of(2000, 2).lengthOfMonth());
        assertEquals(366, YearMonth.of(2000, 1).lengthOfYear());
    }

    @Test
    void daysBeforeMonth() {
        assertEquals(0, YearMonth.of(2023, 1).daysBeforeMonth());
        assertEquals(59, YearMonth.of(2023, 3).daysBeforeMonth());
        assertEquals(60, YearMonth.of(2024, 3).daysBeforeMonth());
        assertEquals(334, YearMonth.of(2023, 12).daysBeforeMonth());
    }

    @Test
    void monthArithmeticCrossesYears() {
        assertEquals(YearMonth.of(2024, 1), YearMonth.of(2023, 11).plusMonths(2));
        assertEquals(YearMonth.of(2022, 12), YearMonth.of(2023, 1).minusMonths(1));
        assertEquals(YearMonth.of(2025, 3), YearMonth.of(2023, 3).plusYears(2));
        assertEquals(YearMonth.of(-1, 12), YearMonth.of(0, 1).minusMonths(1));
    }

    @Test
    void endOfMonth() {
        assertEquals(SimpleDate.of(2024, 2, 29), YearMonth.of(2024, 2).atEndOfMonth());
        assertEquals(SimpleDate.of(2023, 2, 28), YearMonth.of(2023, 2).atEndOfMonth());
    }

    @Test
    void parseAndPrint() {
        assertEquals(YearMonth.of(2024, 2), YearMonth.parse("2024-02"));
        assertEquals("0042-07", YearMonth.of(42, 7).toString());
        assertEquals("-0001-12", YearMonth.of(-1, 12).toString());
        assertThrows(DateParseException.class, () -> YearMonth.parse("2024"));
        assertThrows(IllegalArgumentException.class, () -> YearMonth.of(2024, 13));
    }

    @Test
    void ordering() {
        assertTrue(YearMonth.of(2023, 12).isBefore(YearMonth.of(2024, 1)));
        assertTrue(YearMonth.of(2024, 2).isAfter(YearMonth.of(2024, 1)));
        assertEquals(0, YearMonth.of(2024, 2).compareTo(YearMonth.parse("2024-02")));
    }
}
