package com.example;

/** A stack of at most `capacity` ints. */
public final class BoundedStack {
    private final int[] items;
    private int size;

    public BoundedStack(int capacity) {
        items = new int[capacity];
    }

    public void push(int v) {
        if (size == items.length) {
            throw new IllegalStateException("stack is full");
        }
        items[size++] = v;
    }

    /** Removes and returns the most recently pushed value. */
    public int pop() {
        if (size == 0) {
            throw new IllegalStateException("stack is empty");
        }
        return items[size--];
    }

    public int size() {
        return size;
    }
}
