package org.cbec.gateway.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The plain JDBC reads of the archive and the registries, written once: a statement with its parameters bound in
 * order (an {@link Instant} as a UTC timestamp), its rows read by a {@link Row}, and a failure of the database as
 * {@code INTERNAL_ERROR} "{@code <what>: <the driver's message>}". A null parameter is bound untyped; a column
 * that needs a typed null (a CLOB, a timestamp) is bound by its statement itself.
 */
public final class Sql {
    private Sql() {}

    /** Reads one row into a value. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** The value of the first row, empty when there is none; on a connection of its own. */
    public static <T> Optional<T> first(
            DataSource database, String what, String sql, Row<T> row, Object... parameters) {
        return onConnection(database, what, connection -> first(connection, sql, row, parameters));
    }

    /** The value of the first row, empty when there is none; inside the caller's transaction. */
    public static <T> Optional<T> first(Connection connection, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        return query(
                connection,
                sql,
                parameters,
                rows -> rows.next() ? Optional.ofNullable(row.read(rows)) : Optional.empty());
    }

    /** The values of every row, in the statement's order; on a connection of its own. */
    public static <T> List<T> list(DataSource database, String what, String sql, Row<T> row, Object... parameters) {
        return onConnection(database, what, connection -> list(connection, sql, row, parameters));
    }

    /** The values of every row, in the statement's order; inside the caller's transaction. */
    public static <T> List<T> list(Connection connection, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        return query(connection, sql, parameters, rows -> {
            List<T> values = new ArrayList<>();
            while (rows.next()) {
                values.add(row.read(rows));
            }
            return values;
        });
    }

    /** Executes an insert, update or delete inside the caller's transaction; returns the rows it changed. */
    public static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepared(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /** Work on a connection of its own, a failure of the database reported as reading {@code what}. */
    public static <T> T onConnection(DataSource database, String what, Work<T> work) {
        try (Connection connection = database.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Work with a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static <T> T query(Connection connection, String sql, Object[] parameters, Row<T> result)
            throws SQLException {
        try (PreparedStatement statement = prepared(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            return result.read(rows);
        }
    }

    /** The instant of a timestamp column, null when it is SQL NULL. */
    public static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** An instant as the UTC timestamp the schema's {@code TIMESTAMP WITH TIME ZONE} columns hold. */
    public static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A failure of the database in reading or writing {@code what}. */
    public static GatewayException failure(String what, SQLException e) {
        return new GatewayException(GatewayError.INTERNAL_ERROR, what + ": " + e.getMessage(), e);
    }

    private static PreparedStatement prepared(Connection connection, String sql, Object... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                if (parameter instanceof byte[] bytes) {
                    statement.setBytes(i + 1, bytes);
                } else {
                    statement.setObject(i + 1, parameter instanceof Instant instant ? utc(instant) : parameter);
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
