package org.myelin.store;

/**
 * The store could not do what was asked: the database is missing, unreadable, not a Myelin
 * database, or refused a statement. The message names the database path; the cause, when there is
 * one, is the underlying JDBC or I/O error.
 */
public class StoreException extends RuntimeException {

    /** An error with no underlying cause. */
    public StoreException(String message) {
        super(message);
    }

    /** An error caused by {@code cause}, whose message is appended to {@code message}. */
    public StoreException(String message, Throwable cause) {
        super(message + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
    }
}
