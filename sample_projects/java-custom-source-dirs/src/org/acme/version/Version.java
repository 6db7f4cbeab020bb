package org.acme.version;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A version number {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, ordered by precedence.
 *
 * <p>A pre-release ({@code 1.0.0-rc.1}) comes before its release ({@code 1.0.0}); its
 * dot-separated identifiers compare numerically when both are numbers, as text
 * otherwise, and a number comes before text. Build metadata is kept but never
 * changes the order.
 */
public final class Version implements Comparable<Version> {
    private final int major;
    private final int minor;
    private final int patch;
    private final List<String> preRelease;
    private final List<String> build;

    private Version(int major, int minor, int patch, List<String> preRelease, List<String> build) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
        this.build = build;
    }

    public static Version of(int major, int minor, int patch) {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version component");
        }
        return new Version(major, minor, patch, List.of(), List.of());
    }

    /** Parses {@code 1.2.3}, {@code v1.2.3}, {@code 1.2.3-beta.2+exp.sha.5114f85}. */
    public static Version parse(String text) {
        String s = text.trim();
        if (s.startsWith("v") || s.startsWith("V")) {
            s = s.substring(1);
        }
        List<String> build = List.of();
        int plus = s.indexOf('+');
        if (plus >= 0) {
            build = identifiers(s.substring(plus + 1), text, false);
            s = s.substring(0, plus);
        }
        List<String> pre = List.of();
        int dash = s.indexOf('-');
        if (dash >= 0) {
            pre = identifiers(s.substring(dash + 1), text, true);
            s = s.substring(0, dash);
        }
        String[] core = s.split("\\.", -1);
        if (core.length != 3) {
            throw new VersionFormatException("expected MAJOR.MINOR.PATCH", text);
        }
        return new Version(number(core[0], text), number(core[1], text), number(core[2], text), pre, build);
    }

    /** Like {@link #parse}, or null. */
    public static Version tryParse(String text) {
        try {
            return text == null ? null : parse(text);
        } catch (VersionFormatException e) {
            return null;
        }
    }

    private static int number(String part, String text) {
        if (part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
            throw new VersionFormatException("not a number: '" + part + "'", text);
        }
        if (part.length() > 1 && part.charAt(0) == '0') {
            throw new VersionFormatException("leading zero in '" + part + "'", text);
        }
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            throw new VersionFormatException("number too large: '" + part + "'", text);
        }
    }

    private static List<String> identifiers(String part, String text, boolean strictNumbers) {
        if (part.isEmpty()) {
            throw new VersionFormatException("empty pre-release or build", text);
        }
        List<String> out = new ArrayList<>();
        for (String id : part.split("\\.", -1)) {
            if (id.isEmpty() || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                throw new VersionFormatException("bad identifier '" + id + "'", text);
            }
            if (strictNumbers && isNumeric(id) && id.length() > 1 && id.charAt(0) == '0') {
                throw new VersionFormatException("leading zero in '" + id + "'", text);
            }
            out.add(id);
        }
        return Collections.unmodifiableList(out);
    }

    static boolean isNumeric(String id) {
        return !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    public int getMajor() {
        return major;
    }

    public int getMinor() {
        return minor;
    }

    public int getPatch() {
        return patch;
    }

    public List<String> getPreRelease() {
        return preRelease;
    }

    public List<String> getBuild() {
        return build;
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** The release this version leads to: without pre-release and build. */
    public Version release() {
        return preRelease.isEmpty() && build.isEmpty() ? this : of(major, minor, patch);
    }

    public Version nextMajor() {
        return of(major + 1, 0, 0);
    }

    public Version nextMinor() {
        return of(major, minor + 1, 0);
    }

    public Version nextPatch() {
        return isPreRelease() ? release() : of(major, minor, patch + 1);
    }

    @Override
    public int compareTo(Version other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() != other.preRelease.isEmpty()) {
            // Exactly one is a pre-release of the same MAJOR.MINOR.PATCH.
            return preRelease.isEmpty() ? -1 : 1;
        }
        return comparePreRelease(preRelease, other.preRelease);
    }

    private static int comparePreRelease(List<String> a, List<String> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compareIdentifier(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = isNumeric(a);
        boolean bn = isNumeric(b);
        if (an && bn) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return a.compareTo(b);
    }

    public boolean isBefore(Version other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(Version other) {
        return compareTo(other) > 0;
    }

    /** Equal by precedence and build metadata alike. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Version)) {
            return false;
        }
        Version v = (Version) o;
        return major == v.major && minor == v.minor && patch == v.patch
                && preRelease.equals(v.preRelease) && build.equals(v.build);
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch, preRelease, build);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!preRelease.isEmpty()) {
            sb.append('-').append(String.join(".", preRelease));
        }
        if (!build.isEmpty()) {
            sb.append('+').append(String.join(".", build));
        }
        return sb.toString();
    }
}
