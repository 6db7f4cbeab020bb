package com.acme.dates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DateParserTest {
    private final DateParser parser = new DateParser();

    private static SimpleDate date(int y, int m, int d) {
        return SimpleDate.of(y, m, d);
    }

    @Test
    void calendarDates() {
        assertEquals(date(2024, 2, 29), parser.parse("2024-02-29"));
        assertEquals(date(1999, 12, 31), parser.parse(" 1999-12-31 "));
        assertEquals(date(2024, 2, 29), parser.parse("20240229"));
    }

    @Test
    void ordinalDates() {
        assertEquals(date(2024, 2, 29), parser.parse("2024-060"));
        assertEquals(date(2023, 12, 31), parser.parse("2023-365"));
    }

    @Test
    void weekDates() {
        assertEquals(date(2024, 2, 29), parser.parse("2024-W09-4"));
        assertEquals(date(2019, 12, 30), parser.parse("2020-W01-1"));
        assertEquals(date(2021, 1, 3), parser.parse("2020-W53-7"));
    }

    @Test
    void aWeekTheYearDoesNotHaveIsRejected() {
        DateParseException e = assertThrows(DateParseException.class, () -> parser.parse("2021-W53"));
        assertTrue(e.getMessage().contains("week 53 is out of range for 2021"), e.getMessage());
    }

    @Test
    void dayFirstByDefault() {
        assertEquals(date(2024, 4, 3), parser.parse("03/04/2024"));
        assertEquals(date(2024, 2, 29), parser.parse("29.2.2024"));
    }

    @Test
    void monthFirstWhenAsked() {
        DateParser us = new DateParser(DateParser.Order.MONTH_FIRST, 2049);
        assertEquals(date(2024, 3, 4), us.parse("03/04/2024"));
        assertEquals(date(2024, 2, 29), us.parse("02/29/2024"));
    }

    @Test
    void unambiguousWhateverTheOrder() {
        assertEquals(date(2024, 2, 13), parser.parse("02/13/2024"));
        assertEquals(date(2024, 2, 13), parser.parse("2024/02/13"));
    }

    @Test
    void twoDigitYearsPivot() {
        assertEquals(date(2049, 1, 1), parser.parse("1/1/49"));
        assertEquals(date(1950, 1, 1), parser.parse("1/1/50"));
    }

    @Test
    void dayMonthYear() {
        assertEquals(date(2024, 2, 29), parser.parse("29 Feb 2024"));
        assertEquals(date(2024, 2, 29), parser.parse("29-Feb-2024"));
        assertEquals(date(2023, 9, 1), parser.parse("1st Sept. 2023"));
    }

    @Test
    void monthDayYear() {
        assertEquals(date(2024, 2, 29), parser.parse("February 29, 2024"));
        assertEquals(date(2023, 12, 3), parser.parse("Dec 3rd 2023"));
    }

    @Test
    void leapDayOfAnOrdinaryLeapYear() {
        assertEquals(date(2024, 2, 29), parser.parse("2024-02-29"));
    }

    @Test
    void leapDayOfACenturyDivisibleBy400() {
        assertEquals(date(2000, 2, 29), parser.parse("2000-02-29"));
    }

    @Test
    void noLeapDayInOtherCenturies() {
        DateParseException e = assertThrows(DateParseException.class, () -> parser.parse("1900-02-29"));
        assertTrue(e.getMessage().contains("day 29 is out of range for 1900-02"), e.getMessage());
    }

    @Test
    void noLeapDayInCommonYears() {
        assertThrows(DateParseException.class, () -> parser.parse("29/02/2023"));
    }

    @Test
    void lists() {
        List<SimpleDate> dates = parser.parseList("2024-01-01; February 29, 2024;1 Mar 2024");
        assertEquals(List.of(date(2024, 1, 1), date(2024, 2, 29), date(2024, 3, 1)), dates);
    }

    @Test
    void garbage() {
        assertNull(parser.parseOrNull("soon"));
        assertNull(parser.parseOrNull("31 Smarch 2024"));
        assertThrows(DateParseException.class, () -> parser.parse(""));
        assertThrows(IllegalArgumentException.class, () -> parser.parse("2024-13-01"));
    }
}
