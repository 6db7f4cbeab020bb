package com.acme.dates;

/** Text that is not a date in any accepted form, or names a day that does not exist. */
public class DateParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final int errorIndex;

    public DateParseException(String message, CharSequence input, int errorIndex) {
        super(message + ": \"" + input + "\"" + (errorIndex > 0 ? " at index " + errorIndex : ""));
        this.input = input.toString();
        this.errorIndex = errorIndex;
    }

    public String getInput() {
        return input;
    }

    public int getErrorIndex() {
        return errorIndex;
    }
}
