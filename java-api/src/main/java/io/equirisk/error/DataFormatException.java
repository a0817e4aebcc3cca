package io.equirisk.error;

/** A data file is malformed: empty, ragged, non-numeric, duplicate names. Names file, line and column. */
public class DataFormatException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }
}
