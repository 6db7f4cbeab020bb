package com.acme.ledger;

/** An entry whose debits and credits differ: double-entry bookkeeping refuses it. */
public class UnbalancedEntryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final Entry entry;

    public UnbalancedEntryException(Entry entry) {
        super("entry '" + entry.getDescription() + "' of " + entry.getDate() + " does not balance: debits "
                + entry.debits() + ", credits " + entry.credits());
        this.entry = entry;
    }

    public Entry getEntry() {
        return entry;
    }
}
