package com.example;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Title case for headlines. */
public final class Titles {
    private Titles() {}

    /** "the QUICK fox" -> "The Quick Fox". */
    public static String titleCase(String text) {
        return Arrays.stream(text.trim().split("\\s+"))
                .map(Words::capitalize)
                .collect(Collectors.joining(" "));
    }
}
