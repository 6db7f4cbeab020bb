package com.example;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class BoundedStackTest {
    @Test
    public void pushGrowsTheStack() {
        BoundedStack s = new BoundedStack(2);
        s.push(1);
        assertEquals(1, s.size());
    }

    @Test
    public void popReturnsTheLastPushedValue() {
        BoundedStack s = new BoundedStack(2);
        s.push(1);
        s.push(2);
        assertEquals(2, s.pop());
    }
}
