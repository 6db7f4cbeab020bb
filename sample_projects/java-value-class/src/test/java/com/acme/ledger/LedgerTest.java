package com.acme.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {
    private static final LocalDate JAN_5 = LocalDate.of(2024, 1, 5);

    private Ledger ledger;

    @BeforeEach
    void chartOfAccounts() {
        ledger = new Ledger()
                .open("1000", "Cash", Account.Type.ASSET)
                .open("1200", "Receivables", Account.Type.ASSET)
                .open("4000", "Sales", Account.Type.INCOME)
                .open("4100", "Shipping charged", Account.Type.INCOME)
                .open("6100", "Card fees", Account.Type.EXPENSE);
    }

    @Test
    void postsABalancedEntry() {
        ledger.post(Entry.on(JAN_5, "Invoice 16").debit("1200", "250.00").credit("4000", "250.00").build());
        assertEquals("250.00 EUR", ledger.balance("1200").toString());
        assertEquals("250.00 EUR", ledger.balance("4000").toString());
    }

    @Test
    void postsAnEntryWithOneDecimalAmounts() {
        ledger.post(Entry.on(JAN_5, "Invoice 17")
                .debit("1000", "100.00")
                .debit("6100", "2.5", "card fee")
                .credit("4000", "97.50")
                .credit("4100", "5")
                .build());
        assertEquals("2.50 EUR", ledger.balance("6100").toString());
        assertEquals("100.00 EUR", ledger.balance("1000").toString());
    }

    @Test
    void refusesAnUnbalancedEntry() {
        Entry e = Entry.on(JAN_5, "Typo").debit("1000", "10.00").credit("4000", "1.00").build();
        assertThrows(UnbalancedEntryException.class, () -> ledger.post(e));
        assertTrue(ledger.journal().isEmpty());
    }

    @Test
    void refusesUnknownAccountsAndClosedPeriods() {
        assertThrows(IllegalArgumentException.class,
                () -> ledger.post(Entry.on(JAN_5, "x").debit("9999", "1").credit("4000", "1").build()));
        ledger.closeThrough(LocalDate.of(2024, 1, 31));
        assertThrows(IllegalStateException.class,
                () -> ledger.post(Entry.on(JAN_5, "late").debit("1000", "1").credit("4000", "1").build()));
    }

    @Test
    void netIncomeAndTrialBalance() {
        ledger.post(Entry.on(JAN_5, "Sale").debit("1000", "1,200.00").credit("4000", "1,200.00").build());
        ledger.post(Entry.on(JAN_5, "Fees").debit("6100", "12.00").credit("1000", "12.00").build());
        assertEquals("1188.00 EUR", ledger.netIncome(JAN_5, JAN_5).toString());
        assertTrue(ledger.trialBalance().get(ledger.trialBalance().size() - 1).contains("1200.00 EUR"));
    }
}
