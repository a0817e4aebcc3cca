package io.equirisk.data;

import io.equirisk.error.InsufficientDataException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two ways to make ragged returns complete: keep the complete dates, or keep the complete assets. */
class CompleteReturnsTest {
    private static final double NAN = Double.NaN;

    /** A late listing (B), a delisted asset (D), an empty row (a holiday) and two assets with full histories. */
    private static final Returns RAGGED = Returns.of(new double[][] {
            {0.01, NAN, 0.03, -0.01},
            {0.02, NAN, -0.01, 0.02},
            {NAN, NAN, NAN, NAN},
            {-0.03, 0.05, 0.02, NAN},
            {0.04, -0.02, 0.01, NAN}}, List.of("A", "B", "C", "D"), List.of("d1", "d2", "d3", "d4", "d5"));

    @Test
    void completeAssetsKeepsEveryDateWithAReturnAndTheAssetsCoveringThem() {
        Returns kept = RAGGED.completeAssets();
        assertEquals(List.of("A", "C"), kept.assets());
        assertEquals(List.of("d1", "d2", "d4", "d5"), kept.dates(), "the empty row is dropped, no other");
        assertArrayEquals(new double[] {0.01, 0.03, 0.02, -0.01, -0.03, 0.02, 0.04, 0.01}, kept.values());
        assertTrue(!kept.hasMissing());
    }

    @Test
    void completeRowsIsTheOtherWayRound() {
        assertEquals(0, RAGGED.completeRows().observations(), "no date has all four assets");
        assertEquals(List.of("A", "B", "C", "D"), RAGGED.completeRows().assets());
    }

    @Test
    void completeAssetsOfCompleteReturnsIsTheSameObject() {
        Returns full = Returns.of(new double[][] {{0.01, 0.02}, {0.03, -0.01}}, null, null);
        assertSame(full, full.completeAssets());
    }

    @Test
    void noCompleteAssetIsNamedAsSuch() {
        Returns staggered = Returns.of(new double[][] {{0.01, NAN}, {NAN, 0.02}}, List.of("A", "B"), null);
        InsufficientDataException e = assertThrows(InsufficientDataException.class, staggered::completeAssets);
        assertTrue(e.getMessage().contains("no asset has a return on every one of the 2 dates"), e.getMessage());
        Returns empty = Returns.of(new double[][] {{NAN, NAN}}, List.of("A", "B"), null);
        assertThrows(InsufficientDataException.class, empty::completeAssets);
    }
}
