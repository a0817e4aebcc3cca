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
 * (or tab) as the separator, quoted cells, blank lines, CRLF line ends.
 */
public final class CsvTable {
    /** One non-blank record: its cells (trimmed) and the file line it starts on (1-based). */
    public record Row(int line, String[] cells) {
        public int size() {
            return cells.length;
        }

        public String cell(int column) {
            return cells[column];
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
        return parse(name, text);
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
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Character told = null;
        java.util.regex.Matcher sep = SEP_LINE.matcher(text);
        if (sep.lookingAt()) { /* Excel's "sep=;" first line: the separator, said; the line's break keeps the count */
            told = sep.group(1).charAt(0);
            text = text.substring(sep.end(1));
        }
        char delimiter = told != null ? told : detectDelimiter(text);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true)
                .setTrim(true).get();
        List<Row> rows = text.length() >= PARALLEL_MIN_CHARS && text.indexOf('"') < 0
                ? parseInParts(name, text, format) : parseRecords(name, text, 1, format);
        if (rows.isEmpty()) {
            throw new DataFormatException(name + ": file is empty");
        }
        return new CsvTable(name, delimiter, List.copyOf(rows));
    }

    /** Files this long without a quote are split at line breaks and their parts parsed side by side. */
    static final int PARALLEL_MIN_CHARS = 1 << 22;

    /**
     * Rows of a file without quotes, parsed in parts cut at line breaks, each part's line numbers counted from its
     * own first line: every record is one line there, so the parts are independent (a 3000-asset covariance file of
     * 210 MB took 8 s to read on one core). Quoted files, whose records may span lines, are read in one pass.
     */
    private static List<Row> parseInParts(String name, String text, CSVFormat format) {
        int parts = (int) Math.min(4L * Runtime.getRuntime().availableProcessors(), text.length() / (1 << 20));
        List<Integer> cuts = new ArrayList<>(List.of(0));
        for (int p = 1; p < parts; p++) {
            int at = text.indexOf('\n', Math.max(cuts.getLast(), (int) ((long) text.length() * p / parts)));
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
                .mapToObj(p -> parseRecords(name, text.substring(cuts.get(p), cuts.get(p + 1)), firstLine[p], format))
                .toList();
        List<Row> rows = new ArrayList<>();
        parsed.forEach(rows::addAll);
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

    /** The rows of {@code text}, its first line numbered {@code firstLine}; blank rows skipped. */
    private static List<Row> parseRecords(String name, String text, int firstLine, CSVFormat format) {
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            // Messages need the line a record starts on: count newlines up to its first character, incrementally.
            int scanned = 0;
            int line = firstLine;
            for (CSVRecord r : parser) {
                int start = (int) Math.min(r.getCharacterPosition(), text.length());
                // The reported position can be that of empty lines skipped before the record: step over them.
                while (start < text.length() && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
                    start++;
                }
                line += lineBreaks(text, scanned, start);
                scanned = Math.max(scanned, start);
                String[] cells = new String[r.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = r.get(i);
                }
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

    /** Excel's first line naming the separator ("sep=;"), which it writes for files meant for other locales. */
    private static final java.util.regex.Pattern SEP_LINE = java.util.regex.Pattern.compile("sep=([,;\t|])(?=\r?\n)");

    /** The separator used most on the first non-blank line, outside quotes: ';', tab, or ',' (the default). */
    static char detectDelimiter(String text) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        boolean seen = false;
        for (int i = 0; i < text.length(); i++) {
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
