package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TitlesTest {
    @Test
    void capitalizesEachWord() {
        assertEquals("The Quick Fox", Titles.titleCase("the quick fox"));
    }

    @Test
    void lowercasesTheRestOfEachWord() {
        assertEquals("The Quick Fox", Titles.titleCase("the QUICK fox"));
    }
}
