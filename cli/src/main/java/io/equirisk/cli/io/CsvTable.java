package io.equirisk.cli.io;

import io.equirisk.error.DataFormatException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw cells of a CSV file, each row with its line number in the file, for the readers that interpret them
 * (prices, returns, covariance, budgets). Handles what real files do: a UTF-8 byte-order mark, {@code ,} or {@code ;}
 * (or tab) as the separator, quoted cells, blank lines, CRLF line ends. Quoted files are read by commons-csv; files
 * without a quote, most numeric exports and every large one, by a line splitter here that reads them as it does.
 */
public final class CsvTable {
    /**
     * One non-blank record: its cells (trimmed) and the file line it starts on (1-based). The cells are kept end to
     * end in one string with their ends beside it, not as a string each: a 3000-asset covariance file's 9M cells
     * took ~1.3 GB as strings (and seconds of the collector's time to copy them), ~0.25 GB this way.
     */
    public static final class Row {
        private final int line;
        private final String text;
        private final int[] ends;

        public Row(int line, String[] cells) {
            this.line = line;
            this.ends = new int[cells.length];
            int length = 0;
            for (String cell : cells) {
                length += cell.length();
            }
            StringBuilder joined = new StringBuilder(length);
            for (int j = 0; j < cells.length; j++) {
                joined.append(cells[j]);
                ends[j] = joined.length();
            }
            this.text = joined.toString();
        }

        private Row(int line, String text, int[] ends) {
            this.line = line;
            this.text = text;
            this.ends = ends;
        }

        /**
         * The row of the unquoted line text[from, to): its cells between separators, trimmed as {@link String#trim}
         * trims (what commons-csv does); null when every cell is empty.
         */
        static Row split(int line, String text, int from, int to, char delimiter) {
            int cells = 1;
            for (int i = from; i < to; i++) {
                cells += text.charAt(i) == delimiter ? 1 : 0;
            }
            int[] ends = new int[cells];
            StringBuilder joined = new StringBuilder(to - from);
            for (int j = 0, start = from; j < cells; j++) {
                int end = start;
                while (end < to && text.charAt(end) != delimiter) {
                    end++;
                }
                int next = end + 1;
                while (start < end && text.charAt(start) <= ' ') {
                    start++;
                }
                while (end > start && text.charAt(end - 1) <= ' ') {
                    end--;
                }
                joined.append(text, start, end);
                ends[j] = joined.length();
                start = next;
            }
            return joined.isEmpty() ? null : new Row(line, joined.toString(), ends);
        }

        public int line() {
            return line;
        }

        public int size() {
            return ends.length;
        }

        public String cell(int column) {
            return text.substring(start(column), ends[column]);
        }

        /** Whether the cell is empty (without making its string). */
        public boolean isEmpty(int column) {
            return start(column) == ends[column];
        }

        /** Whether the cell is a plain decimal number ({@link Cells#isNumber(String)}), without making its string. */
        boolean isNumber(int column) {
            return Cells.isNumber(text, start(column), ends[column]);
        }

        /** The number in a cell {@link #isNumber(int)} accepted. */
        double number(int column) {
            return Cells.parse(text, start(column), ends[column]);
        }

        private int start(int column) {
            return column == 0 ? 0 : ends[column - 1];
        }
    }

    private final String file;
    private final char delimiter;
    private final List<Row> rows;

    private CsvTable(String file, char delimiter, List<Row> rows) {
        this.file = file;
        this.delimiter = delimiter;
        this.rows = rows;
    }

    /**
     * Reads a file.
     *
     * @throws DataFormatException when the file is missing, unreadable, not UTF-8, malformed CSV, or has no rows
     */
    public static CsvTable read(Path path) {
        String name = path.toString();
        return parse(name, text(name, path)); /* the file's bytes are garbage by then: a large file is held once */
    }

    /** The file's text, decoded (UTF-8, or UTF-16 where its bytes say so). */
    private static String text(String name, Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(name + ": no such file");
        } catch (IOException e) {
            throw new DataFormatException(name + ": cannot read: " + e.getMessage());
        }
        java.nio.charset.Charset charset = charset(bytes);
        String text = null;
        if (charset == StandardCharsets.UTF_8) { /* the JDK's fast path; a replacement character means bad bytes, or
                                                   one in the file: the strict decoder below tells which */
            text = new String(bytes, StandardCharsets.UTF_8);
            text = text.indexOf('\uFFFD') < 0 ? text : null;
        }
        if (text == null) {
            try {
                text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new DataFormatException(name + ": not a " + charset.name() + " text file (is it a "
                        + "spreadsheet? export it as CSV)");
            }
        }
        if (text.indexOf('\0') >= 0) {
            throw new DataFormatException(name + ": holds NUL characters, so it is not a text file (is it a "
                    + "spreadsheet? export it as CSV)");
        }
        return text;
    }

    /**
     * UTF-8, or UTF-16 where the bytes say so: a byte-order mark (FF FE, FE FF), or no mark and NULs at every other
     * byte, as Excel's "Unicode Text" and "CSV UTF-16" exports are (ASCII text in UTF-16 is its bytes with a NUL
     * beside each; read as UTF-8 it looked like text with invisible NULs, 'AGG' named as 'A\0G\0G').
     */
    static java.nio.charset.Charset charset(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return StandardCharsets.UTF_16; /* reads the mark, then little-endian */
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return StandardCharsets.UTF_16;
        }
        int pairs = Math.min(b.length / 2, 512);
        int evenNul = 0;
        int oddNul = 0;
        for (int i = 0; i < pairs; i++) {
            evenNul += b[2 * i] == 0 ? 1 : 0;
            oddNul += b[2 * i + 1] == 0 ? 1 : 0;
        }
        /* mostly ASCII: NULs on one side; a few on the other are characters such as 一 (U+4E00) in asset names */
        if (pairs >= 2 && oddNul * 10 >= pairs * 7 && evenNul * 20 <= pairs) {
            return StandardCharsets.UTF_16LE;
        }
        if (pairs >= 2 && evenNul * 10 >= pairs * 7 && oddNul * 20 <= pairs) {
            return StandardCharsets.UTF_16BE;
        }
        return StandardCharsets.UTF_8;
    }

    /** Parses CSV text; {@code name} is used in messages. */
    public static CsvTable parse(String name, String text) {
        int from = text.startsWith("\uFEFF") ? 1 : 0; /* offsets, not cut copies: a large file is held once */
        Character told = null;
        java.util.regex.Matcher sep = SEP_LINE.matcher(text).region(from, text.length());
        if (sep.lookingAt()) { /* Excel's "sep=;" first line: the separator, said; the line's break keeps the count */
            told = sep.group(1).charAt(0);
            from = sep.end(1);
        }
        char delimiter = told != null ? told : detectDelimiter(text, from);
        List<Row> rows = text.indexOf('"', from) < 0 ? splitUnquoted(text, from, delimiter)
                : parseRecords(name, text, from, text.length(), 1, CSVFormat.DEFAULT.builder().setDelimiter(delimiter)
                        .setIgnoreEmptyLines(true).setTrim(true).get());
        if (rows.isEmpty()) {
            throw new DataFormatException(name + ": file is empty");
        }
        return new CsvTable(name, delimiter, List.copyOf(rows));
    }

    /** Files this long without a quote are split at line breaks and their parts read side by side. */
    static final int PARALLEL_MIN_CHARS = 1 << 22;

    /**
     * The rows of a file without quotes, where a record is a line and its cells what lies between separators: read
     * here, as commons-csv reads them (cells trimmed of spaces and controls, empty lines skipped; a test holds the
     * two to the same rows), ~3× faster than the library's character-by-character lexer, which was most of reading
     * a 3000-asset covariance file. A long file is cut at line breaks into parts read side by side, each part's
     * lines numbered from its own first line. Quoted files, whose records may span lines, go to commons-csv.
     */
    private static List<Row> splitUnquoted(String text, int from, char delimiter) {
        if (text.length() - from < PARALLEL_MIN_CHARS) {
            return splitLines(text, from, text.length(), 1, delimiter);
        }
        int parts = (int) Math.min(4L * Runtime.getRuntime().availableProcessors(), (text.length() - from) / (1 << 20));
        List<Integer> cuts = new ArrayList<>(List.of(from));
        for (int p = 1; p < parts; p++) {
            int at = text.indexOf('\n', Math.max(cuts.getLast(), from + (int) ((long) (text.length() - from) * p
                    / parts)));
            if (at < 0) {
                break;
            }
            cuts.add(at + 1);
        }
        cuts.add(text.length());
        int[] firstLine = new int[cuts.size() - 1];
        firstLine[0] = 1;
        for (int p = 1; p < firstLine.length; p++) {
            firstLine[p] = firstLine[p - 1] + lineBreaks(text, cuts.get(p - 1), cuts.get(p));
        }
        List<List<Row>> parsed = java.util.stream.IntStream.range(0, firstLine.length).parallel()
                .mapToObj(p -> splitLines(text, cuts.get(p), cuts.get(p + 1), firstLine[p], delimiter)).toList();
        List<Row> rows = new ArrayList<>();
        parsed.forEach(rows::addAll);
        return rows;
    }

    /** The rows of the lines in text[from, to), the first numbered {@code firstLine}; blank rows skipped. */
    private static List<Row> splitLines(String text, int from, int to, int firstLine, char delimiter) {
        List<Row> rows = new ArrayList<>();
        int line = firstLine;
        int i = from;
        while (i < to) {
            int end = i;
            while (end < to && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            Row row = Row.split(line, text, i, end, delimiter);
            if (row != null) {
                rows.add(row);
            }
            i = end + (end + 1 < text.length() && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n' ? 2 : 1);
            line++;
        }
        return rows;
    }

    /** Line ends in text[from, to): \n, \r\n and a lone \r (old Mac files) each end a line. */
    private static int lineBreaks(String text, int from, int to) {
        int breaks = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n')) {
                breaks++;
            }
        }
        return breaks;
    }

    /** The rows of text[from, to), its first line numbered {@code firstLine}; blank rows skipped. */
    private static List<Row> parseRecords(String name, String text, int from, int to, int firstLine,
            CSVFormat format) {
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new RangeReader(text, from, to), format)) {
            // Messages need the line a record starts on: count newlines up to its first character, incrementally.
            int scanned = from;
            int line = firstLine;
            for (CSVRecord r : parser) {
                int start = (int) Math.min(from + r.getCharacterPosition(), to);
                // The reported position can be that of empty lines skipped before the record: step over them.
                while (start < to && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
                    start++;
                }
                line += lineBreaks(text, scanned, start);
                scanned = Math.max(scanned, start);
                String[] cells = r.values();
                if (java.util.Arrays.stream(cells).allMatch(String::isEmpty)) {
                    continue; // a line of blanks, or of separators only (a row a spreadsheet cleared)
                }
                rows.add(new Row(line, cells));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            Throwable why = e; /* the parser's own words, not its exception's class name (CSVException) */
            while (why.getCause() != null && (why instanceof UncheckedIOException || why.getMessage() == null
                    || why.getMessage().startsWith(why.getCause().getClass().getName()))) {
                why = why.getCause();
            }
            throw new DataFormatException(name + ": malformed CSV: " + why.getMessage());
        }
        return rows;
    }

    /** The characters text[from, to) as a reader, without copying them out of the file's text. */
    private static final class RangeReader extends java.io.Reader {
        private final String text;
        private final int to;
        private int at;

        RangeReader(String text, int from, int to) {
            this.text = text;
            this.at = from;
            this.to = to;
        }

        @Override
        public int read(char[] into, int offset, int length) {
            if (at >= to) {
                return -1;
            }
            int n = Math.min(length, to - at);
            text.getChars(at, at + n, into, offset);
            at += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    /** Excel's first line naming the separator ("sep=;"), which it writes for files meant for other locales. */
    private static final java.util.regex.Pattern SEP_LINE = java.util.regex.Pattern.compile("sep=([,;\t|])(?=\r?\n)");

    /** The separator used most on the first non-blank line, outside quotes: ';', tab, or ',' (the default). */
    static char detectDelimiter(String text) {
        return detectDelimiter(text, 0);
    }

    /** {@link #detectDelimiter(String)} of the text from {@code from}. */
    private static char detectDelimiter(String text, int from) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        boolean seen = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                if (seen) {
                    break;
                }
            } else if (!quoted) {
                seen |= !Character.isWhitespace(c);
                if (c == ',') {
                    comma++;
                } else if (c == ';') {
                    semicolon++;
                } else if (c == '\t') {
                    tab++;
                }
            }
        }
        if (semicolon > comma && semicolon >= tab) {
            return ';';
        }
        if (tab > comma && tab > semicolon) {
            return '\t';
        }
        return ',';
    }

    public String file() {
        return file;
    }

    public char delimiter() {
        return delimiter;
    }

    public List<Row> rows() {
        return rows;
    }

    /** "file, line L, column C" for messages (column 1-based). */
    public String where(int line, int column) {
        return file + ", line " + line + ", column " + column;
    }
}
