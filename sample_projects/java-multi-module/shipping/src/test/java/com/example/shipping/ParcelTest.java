package com.example.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParcelTest {
    @Test
    void theFirstKiloIsInTheBasePrice() {
        assertEquals(490, Parcel.postageCents(800));
    }

    @Test
    void eachFurtherStartedKiloCostsExtra() {
        assertEquals(730, Parcel.postageCents(2100));
    }
}
