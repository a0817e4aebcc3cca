package io.equirisk.data;

import io.equirisk.error.DataFormatException;
import io.equirisk.error.DimensionMismatchException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The asset names of returns, prices and covariances: A1 … AN when none are given, else unique and non-blank. */
public final class AssetNames {
    private AssetNames() {
    }

    /**
     * The names of {@code count} assets, checked: null gives A1 … A{count}; a list must hold {@code count} names,
     * none null, blank or repeated (a repeat would make "asset X" ambiguous in every message and output).
     *
     * @param names the names, or null
     * @param count the number of assets
     * @return an immutable copy of the names, or A1 … A{count}
     * @throws DimensionMismatchException when the list does not hold {@code count} names
     * @throws DataFormatException        naming the column of a null, blank or repeated name
     */
    public static List<String> check(List<String> names, int count) {
        if (names == null) {
            List<String> s = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                s.add("A" + (i + 1));
            }
            return List.copyOf(s);
        }
        if (names.size() != count) {
            throw new DimensionMismatchException(count + " assets (columns of data) but " + names.size()
                    + " asset names");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String a = names.get(i);
            if (a == null || a.isBlank()) {
                throw new DataFormatException("asset name in column " + (i + 1) + " is empty");
            }
            if (!seen.add(a)) {
                throw new DataFormatException("duplicate asset name '" + a + "' (column " + (i + 1) + ")");
            }
        }
        return List.copyOf(names);
    }
}
