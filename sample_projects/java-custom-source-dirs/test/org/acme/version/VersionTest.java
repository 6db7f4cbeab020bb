package org.acme.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionTest {

    private static Version v(String s) {
        return Version.parse(s);
    }

    @Test
    void parsesAndPrints() {
        assertEquals("1.2.3-beta.2+exp.sha.5114f85", v("v1.2.3-beta.2+exp.sha.5114f85").toString());
        assertEquals(List.of("beta", "2"), v("1.2.3-beta.2").getPreRelease());
        assertNull(Version.tryParse("1.2"));
        assertThrows(VersionFormatException.class, () -> v("01.2.3"));
        assertThrows(VersionFormatException.class, () -> v("1.2.3-"));
    }

    @Test
    void coreNumbersCompareNumerically() {
        assertTrue(v("1.10.0").isAfter(v("1.9.0")));
        assertTrue(v("2.0.0").isAfter(v("1.99.99")));
    }

    @Test
    void preReleaseIdentifiersCompareByTheirKind() {
        assertTrue(v("1.0.0-alpha.10").isAfter(v("1.0.0-alpha.9")));
        assertTrue(v("1.0.0-alpha.beta").isAfter(v("1.0.0-alpha.1")));
        assertTrue(v("1.0.0-alpha.1").isAfter(v("1.0.0-alpha")));
    }

    @Test
    void aPreReleaseComesBeforeItsRelease() {
        List<Version> versions = new ArrayList<>(List.of(v("1.0.0"), v("1.0.0-rc.1"), v("1.0.0-beta"), v("0.9.0")));
        Collections.sort(versions);
        assertEquals(List.of(v("0.9.0"), v("1.0.0-beta"), v("1.0.0-rc.1"), v("1.0.0")), versions);
    }

    @Test
    void buildMetadataDoesNotChangeTheOrder() {
        assertEquals(0, v("1.0.0+build.1").compareTo(v("1.0.0+build.2")));
        assertFalse(v("1.0.0+build.1").equals(v("1.0.0+build.2")));
    }

    @Test
    void nextVersions() {
        assertEquals(v("2.0.0"), v("1.4.2").nextMajor());
        assertEquals(v("1.5.0"), v("1.4.2").nextMinor());
        assertEquals(v("1.4.2"), v("1.4.2-rc.1").nextPatch());
    }

    @Test
    void caretAndTildeRanges() {
        VersionRange caret = VersionRange.parse("^1.2.3");
        assertTrue(caret.contains(v("1.9.0")));
        assertFalse(caret.contains(v("2.0.0")));
        VersionRange tilde = VersionRange.parse("~1.2.3");
        assertTrue(tilde.contains(v("1.2.9")));
        assertFalse(tilde.contains(v("1.3.0")));
    }

    @Test
    void wildcardsAndAlternatives() {
        VersionRange r = VersionRange.parse("1.2.x || >=3.0.0 <3.1.0");
        assertTrue(r.contains(v("1.2.7")));
        assertTrue(r.contains(v("3.0.4")));
        assertFalse(r.contains(v("3.1.0")));
    }

    @Test
    void preReleasesOnlyWhereTheRangeAsksForThem() {
        assertTrue(VersionRange.parse(">=1.0.0-beta").contains(v("1.0.0-rc.1")));
        assertFalse(VersionRange.parse(">=0.9.0").contains(v("1.0.0-rc.1")));
    }

    @Test
    void bestPicksTheHighestMatch() {
        List<Version> published = List.of(v("1.2.0"), v("1.3.0-rc.1"), v("1.3.0"), v("2.0.0"));
        assertEquals(v("1.3.0"), VersionRange.parse("^1.2.0").best(published));
    }
}
