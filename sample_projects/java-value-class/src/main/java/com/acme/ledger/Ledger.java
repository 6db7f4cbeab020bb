package com.acme.ledger;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A general ledger: a chart of accounts and the entries posted to it, in one currency.
 *
 * <p>Posting checks the entry (known accounts, one currency, debits equal credits, not
 * before the last closed period) and updates the running balances.
 */
public final class Ledger {
    private final String currency;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Map<String, Money> balances = new TreeMap<>();
    private final List<Entry> journal = new ArrayList<>();
    private LocalDate closedThrough;

    public Ledger(String currency) {
        this.currency = currency;
    }

    public Ledger() {
        this(Money.DEFAULT_CURRENCY);
    }

    public Ledger open(String code, String name, Account.Type type) {
        if (accounts.containsKey(code)) {
            throw new IllegalArgumentException("account " + code + " already exists");
        }
        accounts.put(code, new Account(code, name, type));
        balances.put(code, Money.zero(currency));
        return this;
    }

    public Account account(String code) {
        Account a = accounts.get(code);
        if (a == null) {
            throw new IllegalArgumentException("no account " + code);
        }
        return a;
    }

    /** Posts an entry; nothing changes if it is refused. */
    public void post(Entry entry) {
        check(entry);
        for (Entry.Line line : entry.getLines()) {
            balances.merge(line.getAccount(), line.getAmount(), Money::plus);
        }
        journal.add(entry);
    }

    /** Posts each entry in order; stops at the first one refused. */
    public void postAll(Iterable<Entry> entries) {
        for (Entry e : entries) {
            post(e);
        }
    }

    private void check(Entry entry) {
        if (closedThrough != null && !entry.getDate().isAfter(closedThrough)) {
            throw new IllegalStateException("the period through " + closedThrough + " is closed: " + entry.getDescription());
        }
        for (Entry.Line line : entry.getLines()) {
            account(line.getAccount());
            if (!line.getAmount().getCurrency().equals(currency)) {
                throw new IllegalArgumentException("entry '" + entry.getDescription() + "' is in "
                        + line.getAmount().getCurrency() + ", the ledger in " + currency);
            }
        }
        if (!entry.debits().equals(entry.credits())) {
            throw new UnbalancedEntryException(entry);
        }
    }

    /**
     * The balance of an account on its normal side: positive when an asset or expense
     * account has more debits, or a liability, equity or income account more credits.
     */
    public Money balance(String code) {
        Money raw = balances.get(account(code).getCode());
        return account(code).getType().isDebitNormal() ? raw : raw.negate();
    }

    /** Balances as of the end of {@code date}, replaying the journal. */
    public Map<String, Money> balancesAsOf(LocalDate date) {
        Map<String, Money> out = new TreeMap<>();
        for (String code : accounts.keySet()) {
            out.put(code, Money.zero(currency));
        }
        for (Entry e : journal) {
            if (!e.getDate().isAfter(date)) {
                for (Entry.Line line : e.getLines()) {
                    out.merge(line.getAccount(), line.getAmount(), Money::plus);
                }
            }
        }
        return out;
    }

    /** Debit and credit columns of every account; the two totals are equal. */
    public List<String> trialBalance() {
        List<String> rows = new ArrayList<>();
        Money debit = Money.zero(currency);
        Money credit = Money.zero(currency);
        for (Map.Entry<String, Money> b : balances.entrySet()) {
            Money m = b.getValue();
            if (m.isZero()) {
                continue;
            }
            Account a = accounts.get(b.getKey());
            if (m.isNegative()) {
                credit = credit.plus(m.negate());
                rows.add(String.format("%-6s %-24s %14s %14s", a.getCode(), a.getName(), "", m.negate()));
            } else {
                debit = debit.plus(m);
                rows.add(String.format("%-6s %-24s %14s %14s", a.getCode(), a.getName(), m, ""));
            }
        }
        rows.add(String.format("%-31s %14s %14s", "Total", debit, credit));
        return rows;
    }

    /** Income minus expenses of the entries dated from {@code from} through {@code to}. */
    public Money netIncome(LocalDate from, LocalDate to) {
        Money net = Money.zero(currency);
        for (Entry e : journal) {
            if (e.getDate().isBefore(from) || e.getDate().isAfter(to)) {
                continue;
            }
            for (Entry.Line line : e.getLines()) {
                Account.Type t = account(line.getAccount()).getType();
                if (t == Account.Type.INCOME || t == Account.Type.EXPENSE) {
                    net = net.minus(line.getAmount());
                }
            }
        }
        return net;
    }

    /** Refuses any later entry dated on or before {@code date}. */
    public void closeThrough(LocalDate date) {
        if (closedThrough != null && date.isBefore(closedThrough)) {
            throw new IllegalArgumentException("already closed through " + closedThrough);
        }
        closedThrough = date;
    }

    public List<Entry> journal() {
        return Collections.unmodifiableList(journal);
    }

    public String getCurrency() {
        return currency;
    }
}
