package com.example;

import java.util.ArrayList;
import java.util.List;

/** Items in stock, by name. */
public final class Inventory {
    private final List<String> items = new ArrayList<>();

    public void add(String item) {
        items.add(item);
    }

    /** How many items are in stock. */
    public int count() {
        return items.length();
    }
}
