package com.acme.ledger;

import java.util.Objects;

/** An account of the chart of accounts, such as {@code 1000 Cash} (an asset). */
public final class Account {
    /** Which side increases the account's balance. */
    public enum Type {
        ASSET(true), EXPENSE(true), LIABILITY(false), EQUITY(false), INCOME(false);

        private final boolean debitNormal;

        Type(boolean debitNormal) {
            this.debitNormal = debitNormal;
        }

        public boolean isDebitNormal() {
            return debitNormal;
        }
    }

    private final String code;
    private final String name;
    private final Type type;

    public Account(String code, String name, Type type) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("account code is empty");
        }
        this.code = code;
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    public String getCode() {
        return code;
    }

    public String getName() {
        return name;
    }

    public Type getType() {
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account && ((Account) o).code.equals(code);
    }

    @Override
    public int hashCode() {
        return code.hashCode();
    }

    @Override
    public String toString() {
        return code + " " + name;
    }
}
