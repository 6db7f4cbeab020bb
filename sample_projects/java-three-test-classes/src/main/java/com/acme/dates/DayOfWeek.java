package com.acme.dates;

import java.util.Locale;

/** ISO days of the week, Monday first. */
public enum DayOfWeek {
    MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY;

    private static final DayOfWeek[] VALUES = values();

    /** 1 (Monday) to 7 (Sunday). */
    public int getValue() {
        return ordinal() + 1;
    }

    public static DayOfWeek of(int isoValue) {
        if (isoValue < 1 || isoValue > 7) {
            throw new IllegalArgumentException("day of week out of range: " + isoValue);
        }
        return VALUES[isoValue - 1];
    }

    public DayOfWeek plus(long days) {
        int amount = (int) (days % 7);
        return VALUES[(ordinal() + amount + 7) % 7];
    }

    public boolean isWeekend() {
        return this == SATURDAY || this == SUNDAY;
    }

    /** "Monday". */
    public String displayName() {
        String n = name();
        return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }

    /** "Mon". */
    public String shortName() {
        return displayName().substring(0, 3);
    }
}
