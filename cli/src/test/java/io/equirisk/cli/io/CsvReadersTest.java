package io.equirisk.cli.io;

import io.equirisk.covariance.CovarianceMatrix;
import io.equirisk.error.DataFormatException;
import io.equirisk.error.InvalidBudgetException;
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
    void numericAssetNamesAfterADateHeaderAreAHeader() {
        for (String corner : new String[] {"date", "Datum"}) {
            SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("tse.csv", corner + ",7203,6758\n"
                    + "2020-01-06,2200,4800\n2020-01-07,2210,4900\n"), SeriesCsv.Kind.PRICES);
            assertEquals(List.of("7203", "6758"), s.assets(), corner);
            assertEquals(2, s.rows(), corner);
            assertArrayEquals(new double[] {2200, 4800, 2210, 4900}, s.values(), corner);
        }
    }

    /**
     * Numeric tickers with no date column: distinct whole numbers above fractional prices are names (read as data,
     * they made a first return of thousands of percent), with a note; --header says otherwise; a row of 100s (prices
     * indexed to 100) stays data.
     */
    @Test
    void distinctWholeNumbersAboveFractionsAreNamesUnlessToldOtherwise() {
        String text = "7203,6758,9984\n2200.5,4800.25,6100.75\n2210.5,4900.25,6000.75\n";
        SeriesCsv.Series guessed = SeriesCsv.read(CsvTable.parse("tse.csv", text), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("7203", "6758", "9984"), guessed.assets());
        assertEquals(2, guessed.rows());
        assertEquals(1, guessed.notes().size());
        assertTrue(guessed.notes().get(0).contains("--header no"), guessed.notes().get(0));
        SeriesCsv.Series data = SeriesCsv.read(CsvTable.parse("tse.csv", text), SeriesCsv.Kind.PRICES,
                SeriesCsv.HeaderRow.NO);
        assertEquals(3, data.rows());
        assertEquals(List.of("A1", "A2", "A3"), data.assets());
        SeriesCsv.Series indexed = SeriesCsv.read(CsvTable.parse("ix.csv", "100,100,100\n101.5,99.5,100.25\n"),
                SeriesCsv.Kind.PRICES);
        assertEquals(2, indexed.rows());
        assertTrue(indexed.notes().isEmpty());
        SeriesCsv.Series told = SeriesCsv.read(CsvTable.parse("n.csv", "1,2\n3,4\n5,6\n"), SeriesCsv.Kind.PRICES,
                SeriesCsv.HeaderRow.YES);
        assertEquals(List.of("1", "2"), told.assets());
        assertEquals(2, told.rows());
        SeriesCsv.Series yen = SeriesCsv.read(CsvTable.parse("jpx.csv", "20240104,2345,5120,871\n"
                + "20240105,2351.5,5130,873.5\n"), SeriesCsv.Kind.PRICES);
        assertEquals(2, yen.rows(), "whole yen prices under yyyymmdd dates are data");
        SeriesCsv.Series near = SeriesCsv.read(CsvTable.parse("n.csv", "2345,5120\n2351.5,5130.5\n"),
                SeriesCsv.Kind.PRICES);
        assertEquals(2, near.rows(), "whole prices near the next day's are data");
        assertTrue(near.notes().isEmpty(), near.notes().toString());
        SeriesCsv.Series whole = SeriesCsv.read(CsvTable.parse("w.csv", "7203,6758,9984\n2150,4800,6100\n"
                + "2160,4810,6090\n"), SeriesCsv.Kind.PRICES);
        assertEquals(3, whole.rows(), "whole numbers over whole prices: no rule tells, so data");
        assertTrue(whole.notes().size() == 1 && whole.notes().get(0).contains("7203 above 2150")
                && whole.notes().get(0).contains("--header yes"), whole.notes().toString());
        CovarianceMatrix cov = CovarianceCsv.read(CsvTable.parse("c.csv", "7203,6758\n0.04,0.01\n0.01,0.09\n"));
        assertEquals(List.of("7203", "6758"), cov.assets());
        assertArrayEquals(new double[] {0.04, 0.01, 0.01, 0.09}, cov.values());
        // what `cov` writes for one numeric ticker, or for signed whole-number names, reads back (a review's catch)
        CovarianceMatrix one = CovarianceCsv.read(CsvTable.parse("c1.csv", "7203\n0.04\n"));
        assertEquals(List.of("7203"), one.assets());
        assertArrayEquals(new double[] {0.04}, one.values());
        CovarianceMatrix signed = CovarianceCsv.read(CsvTable.parse("cs.csv", "-1,2\n0.04,0.01\n0.01,0.09\n"));
        assertEquals(List.of("-1", "2"), signed.assets());
    }

    /** One mistyped date among calendar dates is an error naming its line, not a reason to stop checking order. */
    @Test
    void aMistypedDateAmongDatesIsNamed() {
        StringBuilder text = new StringBuilder("date,A,B\n");
        for (int d = 1; d <= 20; d++) {
            text.append(d == 7 ? "2019-13-45" : String.format("2019-01-%02d", d)).append(",1.").append(d)
                    .append(",2.").append(d).append('\n');
        }
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> SeriesCsv.read(CsvTable.parse("typo.csv", text.toString()), SeriesCsv.Kind.PRICES));
        assertTrue(e.getMessage().contains("line 8") && e.getMessage().contains("'2019-13-45' is not a calendar date"),
                e.getMessage());
        SeriesCsv.Series quarters = SeriesCsv.read(CsvTable.parse("q.csv", "period,A\nQ1-2020,1.5\nQ2-2020,1.6\n"),
                SeriesCsv.Kind.PRICES);
        assertEquals(1, quarters.notes().size(), "labels that are not dates at all: a note, in file order");
        String footer = text.toString().replace("2019-13-45", "2019-01-07") + "Source: vendor,,\n";
        SeriesCsv.Series withFooter = SeriesCsv.read(CsvTable.parse("f.csv", footer), SeriesCsv.Kind.PRICES);
        assertEquals(20, withFooter.rows(), "a footer without numbers is skipped, not taken for a mistyped date");
        assertTrue(withFooter.notes().toString().contains("line 22 ('Source: vendor') with no date and no numbers "
                + "skipped"), withFooter.notes().toString());
        /* a month (yyyymm) mistyped: not shaped like a day, but like its neighbours */
        StringBuilder months = new StringBuilder("date,A\n");
        for (int m = 1; m <= 12; m++) {
            months.append(m == 5 ? "19670x" : String.format("1967%02d", m)).append(",0.").append(m).append('\n');
        }
        e = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse("m.csv", months.toString()),
                SeriesCsv.Kind.RETURNS));
        assertTrue(e.getMessage().contains("line 6") && e.getMessage().contains("'19670x' is not a calendar date"),
                e.getMessage());
        /* a summary row labelled as a period is no mistyped date, but its numbers are no month's returns either */
        e = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse("q.csv",
                months.toString().replace("19670x", "1967Q1")), SeriesCsv.Kind.RETURNS));
        assertTrue(e.getMessage().contains("line 6, column 1: '1967Q1' is not a calendar date, unlike 11 of the "
                + "column's 12 labels") && e.getMessage().contains("a summary row"), e.getMessage());
    }

    @Test
    void datesWrittenTwoWaysAreAnErrorNamingTheLine() {
        String text = "date,A\n2020-01-01,1\n2020-01-02,2\n01/03/2020,3\n01/04/2020,4\n";
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> SeriesCsv.read(CsvTable.parse("mixed.csv", text), SeriesCsv.Kind.PRICES));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("01/03/2020 is not written like "
                + "the dates above it (such as 2020-01-02)"), e.getMessage());
        /* a European file half converted by a spreadsheet: the first date reads either way (a review's crash) */
        e = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse("excel.csv", "date,A\n"
                + "01/02/2020,1\n13/02/2020,2\n02/25/2020,3\n03/01/2020,4\n"), SeriesCsv.Kind.PRICES));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("02/25/2020"), e.getMessage());
        /* year-first layouts may mix; the day-first date is the one out of line */
        e = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse("y.csv", "date,A\n"
                + "2020-01-02,1\n20200103,2\n01/06/2020,3\n"), SeriesCsv.Kind.PRICES));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("01/06/2020"), e.getMessage());
    }

    /** 01/02/2020 … 01/12/2020: January 2–12 (US) or the first of each month (Europe); the reading is said. */
    @Test
    void dayAndMonthThatBothFitAreReadAsInTheUsWithANote() {
        StringBuilder text = new StringBuilder("date,A\n");
        for (int m = 1; m <= 12; m++) {
            text.append(String.format("01/%02d/2020", m)).append(",1.").append(m).append('\n');
        }
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("ambiguous.csv", text.toString()), SeriesCsv.Kind.PRICES);
        assertEquals(List.of(java.time.LocalDate.of(2020, 1, 2)), SeriesCsv.calendarDays(s.dates()).subList(1, 2));
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("month/day/year") && n.contains("day/month/year too")),
                s.notes().toString());
        SeriesCsv.Series dotted = SeriesCsv.read(CsvTable.parse("de.csv", text.toString().replace('/', '.')),
                SeriesCsv.Kind.PRICES);
        assertEquals(java.time.LocalDate.of(2020, 2, 1), SeriesCsv.calendarDays(dotted.dates()).get(1),
                "dots: day first, as where dates are written with them");
        assertTrue(dotted.notes().isEmpty(), dotted.notes().toString());
        String plain = text.toString().replace("01/12/2020", "01/13/2020");
        assertTrue(SeriesCsv.read(CsvTable.parse("us.csv", plain), SeriesCsv.Kind.PRICES).notes().isEmpty(),
                "a day above 12 settles it");
    }

    @Test
    void numericCalendarDatesInOrderAreDatesWhateverTheHeaderSays() {
        SeriesCsv.Series named = SeriesCsv.read(CsvTable.parse("ff.csv", "caldt,NoDur,Durbl\n19260701,0.02,-0.28\n"
                + "19260702,0.29,1.07\n19260706,0.05,0.1\n"), SeriesCsv.Kind.RETURNS);
        assertEquals(List.of("NoDur", "Durbl"), named.assets());
        assertEquals(List.of("19260701", "19260702", "19260706"), named.dates());
        SeriesCsv.Series bare = SeriesCsv.read(CsvTable.parse("m.csv", "192607,0.5,1.5\n192608,0.25,2.5\n"
                + "192609,0.75,3.5\n"), SeriesCsv.Kind.RETURNS);
        assertEquals(List.of("A1", "A2"), bare.assets());
        assertArrayEquals(new double[] {0.5, 1.5, 0.25, 2.5, 0.75, 3.5}, bare.values());
        // not dates: 20201345 has no month 13; out of order; two rows only
        for (String text : new String[] {"20201345,1\n20201346,2\n20201347,3\n", "20200103,1\n20200102,2\n20200104,3\n",
                                         "20200101,1\n20200102,2\n"}) {
            assertEquals(2, SeriesCsv.read(CsvTable.parse("x.csv", text), SeriesCsv.Kind.PRICES).cols(), text);
        }
    }

    @Test
    void dayMonthLayoutsAreReadForTheWholeColumnAndPutInOrder() {
        SeriesCsv.Series us = SeriesCsv.read(CsvTable.parse("us.csv", "Date,A\n02/10/2020,3\n01/31/2020,2\n"
                + "01/02/2020,1\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("01/02/2020", "01/31/2020", "02/10/2020"), us.dates());
        assertArrayEquals(new double[] {1, 2, 3}, us.values());
        assertEquals(1, us.notes().size());
        // 13.01.2020 fixes day.month: 02.01 is January 2, before 13.01 and 03.02 (February 3)
        SeriesCsv.Series eu = SeriesCsv.read(CsvTable.parse("eu.csv", "Date,A\n03.02.2020,3\n13.01.2020,2\n"
                + "02.01.2020,1\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("02.01.2020", "13.01.2020", "03.02.2020"), eu.dates());
        DataFormatException unsorted = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse(
                "u.csv", "Date,A\n01/02/2020,1\n01/31/2020,2\n01/03/2020,3\n"), SeriesCsv.Kind.PRICES));
        assertTrue(unsorted.getMessage().contains("line 4") && unsorted.getMessage().contains("01/03/2020"),
                unsorted.getMessage());
        // 01/02 → 02/01 ascends as month/day and descends as day/month: no order can be trusted
        DataFormatException ambiguous = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse(
                "a.csv", "Date,A\n01/02/2020,1\n02/01/2020,2\n"), SeriesCsv.Kind.PRICES));
        assertTrue(ambiguous.getMessage().contains("ISO"), ambiguous.getMessage());
    }

    @Test
    void timesOfDayYearFirstMixesAndShortNumericDateColumns() {
        // 9:30 before 10:30 (as text, "10" sorts first): a sorted intraday file stays as it is
        SeriesCsv.Series intraday = SeriesCsv.read(CsvTable.parse("i.csv", "Date,A\n1/6/2020 9:30,1\n"
                + "1/6/2020 10:30,2\n1/6/2020 11:00,3\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("1/6/2020 9:30", "1/6/2020 10:30", "1/6/2020 11:00"), intraday.dates());
        assertEquals(1, intraday.notes().size(), "1/6 is January 6 or June 1: " + intraday.notes());
        assertTrue(intraday.notes().get(0).contains("read as month/day/year"), intraday.notes().toString());
        // year-first layouts may mix: newest first is still reversed, and one day written twice is refused
        SeriesCsv.Series mixed = SeriesCsv.read(CsvTable.parse("m.csv", "date,A\n2020-01-08,3\n20200107,2\n"
                + "2020-01-06,1\n"), SeriesCsv.Kind.PRICES);
        assertArrayEquals(new double[] {1, 2, 3}, mixed.values());
        DataFormatException twice = assertThrows(DataFormatException.class, () -> SeriesCsv.read(CsvTable.parse(
                "t.csv", "date,A\n2020-01-06,1\n20200106,2\n2020-01-07,3\n"), SeriesCsv.Kind.PRICES));
        assertTrue(twice.getMessage().contains("same day"), twice.getMessage());
        // a text header over yyyymmdd: dates even in two rows (numeric names stay asset names)
        SeriesCsv.Series code = SeriesCsv.read(CsvTable.parse("c.csv", "Code,7203,6758\n20200106,2200,4800\n"
                + "20200107,2210,4900\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("7203", "6758"), code.assets());
        assertEquals(List.of("20200106", "20200107"), code.dates());
        // prices that rise like yyyymm but not month by month stay prices
        SeriesCsv.Series prices = SeriesCsv.read(CsvTable.parse("p.csv", "A,B\n200101,5\n200105,6\n200110,7\n"),
                SeriesCsv.Kind.PRICES);
        assertEquals(List.of("A", "B"), prices.assets());
    }

    @Test
    void labelsThatAreNotDatesKeepFileOrderWithANote() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("q.csv", "Q3-2020,1,2\nQ1-2020,3,4\nQ2-2020,5,6\n"),
                SeriesCsv.Kind.RETURNS);
        assertEquals(List.of("Q3-2020", "Q1-2020", "Q2-2020"), s.dates());
        assertEquals(List.of("A1", "A2"), s.assets(), "text labels above text labels: no header");
        assertEquals(1, s.notes().size());
        assertTrue(s.notes().get(0).contains("file order"), s.notes().get(0));
    }

    @Test
    void newestFirstIsReversedWithANote() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("rev.csv", "date,A\n2020-01-03,3\n2020-01-02,2\n"
                + "2020-01-01,1\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("2020-01-01", "2020-01-02", "2020-01-03"), s.dates());
        assertArrayEquals(new double[] {1, 2, 3}, s.values());
        assertEquals(1, s.notes().size());
    }

    /** An even number of rows has a middle pair to swap too; every row's values travel with its date. */
    @Test
    void newestFirstWithAnEvenRowCountIsReversedRowForRow() {
        SeriesCsv.Series s = SeriesCsv.read(CsvTable.parse("rev4.csv", "date,A,B\n2020-01-09,4,40\n"
                + "2020-01-08,3,30\n2020-01-07,2,20\n2020-01-06,1,10\n"), SeriesCsv.Kind.PRICES);
        assertEquals(List.of("2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09"), s.dates());
        assertArrayEquals(new double[] {1, 10, 2, 20, 3, 30, 4, 40}, s.values());
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
        /* two assets' names over their budgets: a header, though its first row looks like an 'asset,budget' row */
        assertArrayEquals(new double[] {0.75, 0.25}, BudgetsCsv.read(CsvTable.parse("b.csv", "B,A\n0.25,0.75\n"),
                List.of("A", "B")));
    }

    @Test
    void aBadBudgetOnTheFirstOfTheAssetRowsIsReportedAtItsCell() {
        InvalidBudgetException e = assertThrows(InvalidBudgetException.class, () -> BudgetsCsv.read(
                CsvTable.parse("b.csv", "A,abc\nB,0.3\nC,0.2\n"), List.of("A", "B", "C")));
        assertTrue(e.getMessage().contains("line 1, column 2") && e.getMessage().contains("'abc' is not a finite "
                + "number"), e.getMessage());
    }

    @Test
    void budgetsInTwoRowsOfNumbersAreAmbiguous() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> BudgetsCsv.read(CsvTable.parse("b.csv", "0.5,0.5\n0.5,0.5\n"), List.of("A", "B")));
        assertTrue(e.getMessage().contains("one row of 2 numbers"), e.getMessage());
    }

    /** The hand-written number scanner accepts exactly the regular language it replaced, on random cells. */
    @Test
    void theNumberScannerAcceptsTheNumberLanguage() {
        java.util.Random rnd = new java.util.Random(3);
        String alphabet = "0123456789+-.eE x";
        int accepted = 0;
        for (int k = 0; k < 200_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int len = rnd.nextInt(9); len > 0; len--) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            String cell = sb.toString();
            boolean expected = Cells.NUMBER.matcher(cell).matches();
            assertEquals(expected, Cells.isNumber(cell), "'" + cell + "'");
            accepted += expected ? 1 : 0;
        }
        assertTrue(accepted > 1000, "the sample holds numbers: " + accepted);
        for (String cell : new String[] {"1", "-2.5", ".5", "5.", "1e-3", "+1E+10", "0.12345678901234567"}) {
            assertTrue(Cells.isNumber(cell), cell);
        }
    }

    /** The fast parser gives the JDK's bits: random doubles at full and short precision, and the edges. */
    @Test
    void cellsParseToTheJdksBits() {
        java.util.Random rnd = new java.util.Random(17);
        List<String> cells = new java.util.ArrayList<>(List.of("1e400", "-1e400", "4.9e-324", "2.4703282292062328e-324",
                "2.4703282292062327e-324", "1.7976931348623157e308", "1.7976931348623158e308", "0", "-0.0", "5.",
                ".5", "9007199254740993", "0.1", "123456789012345678901234567890"));
        for (int k = 0; k < 100_000; k++) {
            double v = Double.longBitsToDouble(rnd.nextLong());
            if (Double.isFinite(v)) {
                cells.add(Double.toString(v));
                cells.add(String.format(java.util.Locale.ROOT, "%.17g", v));
            }
            cells.add(String.format(java.util.Locale.ROOT, "%.6f", rnd.nextGaussian() * 100));
        }
        for (String c : cells) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(c)), Double.doubleToRawLongBits(Cells.parse(c)),
                    c);
        }
    }

    /** A long file without quotes is read in parts: the same rows, line numbers and cells as in one pass. */
    @Test
    void aLongFileReadInPartsIsTheSameAsInOnePass() {
        StringBuilder sb = new StringBuilder("date,A,B\n");
        java.util.Random rnd = new java.util.Random(9);
        java.time.LocalDate d = java.time.LocalDate.of(1990, 1, 1);
        while (sb.length() < CsvTable.PARALLEL_MIN_CHARS + 100_000) {
            sb.append(d).append(',').append(rnd.nextDouble()).append(',').append(rnd.nextDouble()).append(
                    rnd.nextInt(50) == 0 ? "\r\n\n" : "\n"); /* now and then a blank line after a CRLF */
            d = d.plusDays(1);
        }
        String text = sb.toString();
        CsvTable parts = CsvTable.parse("long.csv", text);
        CsvTable whole = CsvTable.parse("long.csv", text + "\"q\",1,2\n"); /* a quote: one pass */
        assertEquals(whole.rows().size() - 1, parts.rows().size());
        for (int r = 0; r < parts.rows().size(); r++) {
            CsvTable.Row a = parts.rows().get(r);
            CsvTable.Row b = whole.rows().get(r);
            assertEquals(b.line(), a.line(), "row " + r);
            for (int j = 0; j < 3; j++) {
                assertEquals(b.cell(j), a.cell(j));
            }
        }
    }
    /**
     * Files without quotes are split by our own reader, quoted ones by commons-csv: on random quote-free texts (cells
     * with spaces, tabs and non-ASCII letters, every line end, blank lines, rows of separators, ragged rows) both give
     * the same rows, cells and line numbers. A quoted line appended sends the text to commons-csv.
     */
    @Test
    void filesWithoutQuotesReadAsCommonsCsvReadsThem() {
        java.util.Random rnd = new java.util.Random(33);
        String[] cells = {"", "1", " 2.5 ", "\tx", "a b", "AGG", "é", "一", "-0.01 ", "  ", "#N/A N/A", "1e-3"};
        String[] ends = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\t\n"};
        String[] separators = {",", ";", "\t"};
        int compared = 0;
        for (int k = 0; k < 3000; k++) {
            StringBuilder sb = new StringBuilder();
            String sep = separators[rnd.nextInt(separators.length)];
            int lines = 1 + rnd.nextInt(6);
            for (int l = 0; l < lines; l++) {
                int n = 1 + rnd.nextInt(4);
                for (int j = 0; j < n; j++) {
                    sb.append(j > 0 ? (rnd.nextInt(10) == 0 ? separators[rnd.nextInt(3)] : sep) : "")
                            .append(cells[rnd.nextInt(cells.length)]);
                }
                if (l < lines - 1 || rnd.nextBoolean()) {
                    sb.append(ends[rnd.nextInt(ends.length)]);
                }
            }
            String text = sb.toString();
            CsvTable library = CsvTable.parse("t.csv", text + "\n\"q\"\n");
            List<CsvTable.Row> expected = library.rows().subList(0, library.rows().size() - 1);
            if (expected.isEmpty()) {
                assertThrows(io.equirisk.error.DataFormatException.class, () -> CsvTable.parse("t.csv", text), text);
                continue;
            }
            CsvTable ours = CsvTable.parse("t.csv", text);
            assertEquals(library.delimiter(), ours.delimiter(), text);
            assertEquals(expected.size(), ours.rows().size(), text);
            for (int r = 0; r < expected.size(); r++) {
                CsvTable.Row a = ours.rows().get(r);
                CsvTable.Row b = expected.get(r);
                assertEquals(b.line(), a.line(), text);
                assertEquals(b.size(), a.size(), text);
                for (int j = 0; j < b.size(); j++) {
                    assertEquals(b.cell(j), a.cell(j), text);
                    assertEquals(b.cell(j).isEmpty(), a.isEmpty(j), text);
                    assertEquals(Cells.isNumber(b.cell(j)), a.isNumber(j), text);
                }
                compared++;
            }
        }
        assertTrue(compared > 5000, "rows compared: " + compared);
    }
}
