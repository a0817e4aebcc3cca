package io.equirisk.error;

/** A data file is malformed: empty, ragged, non-numeric, duplicate names. Names file, line and column. */
public class DataFormatException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /**
     * Malformed data, described by {@code message}.
     *
     * @param message what is wrong and where: file, line and column, or the column of a bad name
     */
    public DataFormatException(String message) {
        super(message);
    }
}
