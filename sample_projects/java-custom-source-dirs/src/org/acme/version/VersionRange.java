package org.acme.version;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of versions: comparators joined by spaces (and), alternatives by {@code ||} (or).
 *
 * <p>{@code >=1.2.0 <2.0.0 || 3.x}, {@code ^1.2.3} (same major), {@code ~1.2.3} (same minor),
 * {@code 1.2.*}. A pre-release satisfies a range only if a comparator names a pre-release
 * of the same {@code MAJOR.MINOR.PATCH}: {@code >=1.0.0-beta} holds {@code 1.0.0-rc.1}
 * but {@code >=0.9.0} does not.
 */
public final class VersionRange {
    private enum Op {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    private static final class Comparator {
        final Op op;
        final Version version;

        Comparator(Op op, Version version) {
            this.op = op;
            this.version = version;
        }

        boolean test(Version v) {
            int c = v.compareTo(version);
            switch (op) {
                case LT:
                    return c < 0;
                case LE:
                    return c <= 0;
                case GT:
                    return c > 0;
                case GE:
                    return c >= 0;
                default:
                    return c == 0;
            }
        }

        @Override
        public String toString() {
            return op.symbol + version;
        }
    }

    private final String source;
    private final List<List<Comparator>> alternatives;

    private VersionRange(String source, List<List<Comparator>> alternatives) {
        this.source = source;
        this.alternatives = alternatives;
    }

    public static VersionRange parse(String text) {
        List<List<Comparator>> alts = new ArrayList<>();
        for (String alt : text.split("\\|\\|", -1)) {
            List<Comparator> set = new ArrayList<>();
            for (String token : alt.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    expand(token, text, set);
                }
            }
            if (set.isEmpty()) {
                set.add(new Comparator(Op.GE, Version.of(0, 0, 0)));
            }
            alts.add(set);
        }
        return new VersionRange(text, alts);
    }

    private static void expand(String token, String text, List<Comparator> out) {
        if (token.equals("*") || token.equalsIgnoreCase("x")) {
            out.add(new Comparator(Op.GE, Version.of(0, 0, 0)));
            return;
        }
        if (token.startsWith("^") || token.startsWith("~")) {
            Version v = Version.parse(token.substring(1));
            Version upper;
            if (token.charAt(0) == '~') {
                upper = v.nextMinor();
            } else if (v.getMajor() > 0) {
                upper = v.nextMajor();
            } else if (v.getMinor() > 0) {
                upper = v.nextMinor();
            } else {
                upper = v.nextPatch();
            }
            out.add(new Comparator(Op.GE, v));
            out.add(new Comparator(Op.LT, upper));
            return;
        }
        Op op = Op.EQ;
        for (Op candidate : new Op[] {Op.LE, Op.GE, Op.LT, Op.GT, Op.EQ}) {
            if (token.startsWith(candidate.symbol)) {
                op = candidate;
                token = token.substring(candidate.symbol.length());
                break;
            }
        }
        String[] parts = token.replaceFirst("^[vV]", "").split("\\.", -1);
        int wild = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("*") || parts[i].equalsIgnoreCase("x")) {
                wild = i;
                break;
            }
        }
        if (wild < 0 && parts.length == 3) {
            out.add(new Comparator(op, Version.parse(token)));
            return;
        }
        if (op != Op.EQ) {
            throw new VersionFormatException("a partial version takes no operator", text);
        }
        int known = wild < 0 ? parts.length : wild;
        if (known == 0) {
            out.add(new Comparator(Op.GE, Version.of(0, 0, 0)));
            return;
        }
        int major = Integer.parseInt(parts[0]);
        int minor = known > 1 ? Integer.parseInt(parts[1]) : 0;
        Version lower = Version.of(major, minor, 0);
        out.add(new Comparator(Op.GE, lower));
        out.add(new Comparator(Op.LT, known == 1 ? lower.nextMajor() : lower.nextMinor()));
    }

    public boolean contains(Version v) {
        for (List<Comparator> set : alternatives) {
            if (matchesAll(set, v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAll(List<Comparator> set, Version v) {
        for (Comparator c : set) {
            if (!c.test(v)) {
                return false;
            }
        }
        if (!v.isPreRelease()) {
            return true;
        }
        // Pre-releases only where the range opts in for that exact release.
        for (Comparator c : set) {
            if (c.version.isPreRelease() && c.version.release().equals(v.release())) {
                return true;
            }
        }
        return false;
    }

    /** The highest of {@code versions} in this range, or null. */
    public Version best(Iterable<Version> versions) {
        Version best = null;
        for (Version v : versions) {
            if (contains(v) && (best == null || v.isAfter(best))) {
                best = v;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return source;
    }
}
