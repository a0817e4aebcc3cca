package io.equirisk.cli.io;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DataFormatException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layout detection of the CSV readers, on small texts whose right reading is known by construction. */
class CsvReadersTest {

    @Test
    void detectsSemicolonsStripsTheBomAndKeepsLineNumbersAcrossBlankLines() {
        CsvTable t = CsvTable.parse("t.csv", "\uFEFFDate;X;Y\r\n\r\n2020-01-01;1.5;\"2\"\r\n\n2020-01-02;NA;3\r\n");
        assertEquals(';', t.delimiter());
        assertEquals(3, t.rows().size());
        assertEquals("Date", t.rows().get(0).cell(0), "BOM removed from the first cell");
        assertEquals(List.of(1, 3, 5), t.rows().stream().map(CsvTable.Row::line).toList());
        assertEquals("2", t.rows().get(1).cell(2), "quotes removed");
    }

    @Test
    void commaWinsWhenSemicolonsOnlyAppearInsideQuotes() {
        assertEquals(',', CsvTable.detectDelimiter("\"a;b\",c\n1,2\n"));
        assertEquals('\t', CsvTable.detectDelimiter("a\tb\tc\n"));
    }

    @Test
    void seriesWithDatesHeaderAndMissingMarkers() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("p.csv",
                "date,A,B\n2020-01-01,1,NaN\n2020-01-02,,2\n2020-01-03,null,N/A\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("A", "B"), s.assets());
        assertEquals(List.of("2020-01-01", "2020-01-02", "2020-01-03"), s.dates());
        assertEquals(1.0, s.values()[0]);
        for (int k : new int[] {1, 2, 4, 5}) {
            assertTrue(Double.isNaN(s.values()[k]), "cell " + k);
        }
        assertEquals(2.0, s.values()[3]);
    }

    @Test
    void seriesWithoutHeaderOrDates() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("r.csv", "0.01,-0.02\n0.03,0.04\n"),
                SeriesCsv.Kind.RETURNS);
        assertEquals(List.of("A1", "A2"), s.assets());
        assertEquals(2, s.rows());
        assertArrayEquals(new double[] {0.01, -0.02, 0.03, 0.04}, s.values());
    }

    @Test
    void numericDatesUnderADateHeaderStayDates() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("ff.csv", "date,NoDur,Durbl\n19260701,0.02,-0.28\n"
                + "19260702,0.29,1.07\n"), SeriesCsv.Kind.RETURNS);
        assertEquals(List.of("NoDur", "Durbl"), s.assets());
        assertEquals(List.of("19260701", "19260702"), s.dates());
    }

    @Test
    void newestFirstIsReversedWithANote() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("rev.csv", "date,A\n2020-01-03,3\n2020-01-02,2\n"
                + "2020-01-01,1\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("2020-01-01", "2020-01-02", "2020-01-03"), s.dates());
        assertArrayEquals(new double[] {1, 2, 3}, s.values());
        assertEquals(1, s.notes().size());
    }

    @Test
    void covarianceLayouts() {
        double[] expected = {0.04, 0.01, 0.01, 0.09};
        String[] layouts = {
            "0.04,0.01\n0.01,0.09\n",
            "A,B\n0.04,0.01\n0.01,0.09\n",
            ",A,B\nA,0.04,0.01\nB,0.01,0.09\n",
            "A,0.04,0.01\nB,0.01,0.09\n",
            "asset;A;B\nA;0.04;0.01\nB;0.01;0.09\n"
        };
        for (String text : layouts) {
            CovarianceMatrix m = CovarianceCsv.read(CsvTable.parse("c.csv", text));
            assertArrayEquals(expected, m.values(), text);
            assertEquals(text.startsWith("0.04") ? List.of("A1", "A2") : List.of("A", "B"), m.assets(), text);
        }
    }

    @Test
    void covarianceWriteReadRoundTripIsExact() throws Exception {
        double third = 1.0 / 3;
        CovarianceMatrix m = CovarianceMatrix.of(2, new double[] {third, 1e-17 + 0.1, 1e-17 + 0.1, Math.PI},
                List.of("x,y", "Z"));
        java.io.StringWriter w = new java.io.StringWriter();
        CovarianceCsv.write(m, w);
        CovarianceMatrix back = CovarianceCsv.read(CsvTable.parse("rt.csv", w.toString()));
        assertArrayEquals(m.values(), back.values());
        assertEquals(m.assets(), back.assets());
    }

    @Test
    void budgetsLayouts() {
        List<String> assets = List.of("A", "B", "C");
        double[] expected = {0.5, 0.3, 0.2};
        String[] layouts = {
            "0.5,0.3,0.2\n",
            "C,0.2\nA,0.5\nB,0.3\n",
            "asset,budget\nB,0.3\nC,0.2\nA,0.5\n",
            "B,C,A\n0.3,0.2,0.5\n",
            "0.5\n0.3\n0.2\n"
        };
        for (String text : layouts) {
            assertArrayEquals(expected, BudgetsCsv.read(CsvTable.parse("b.csv", text), assets), text);
        }
    }

    @Test
    void budgetsInTwoRowsOfNumbersAreAmbiguous() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> BudgetsCsv.read(CsvTable.parse("b.csv", "0.5,0.5\n0.5,0.5\n"), List.of("A", "B")));
        assertTrue(e.getMessage().contains("one row of 2 numbers"), e.getMessage());
    }
}
