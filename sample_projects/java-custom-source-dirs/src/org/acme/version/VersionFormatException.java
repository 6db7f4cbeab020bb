package org.acme.version;

/** Text that is not a version or a range. */
public class VersionFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public VersionFormatException(String message, String input) {
        super(message + " in \"" + input + "\"");
    }
}
