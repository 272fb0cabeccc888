using Herald.Server.Model;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Herald.Server.Storage.Sqlite;

/// <summary>
/// The ingest hot path on SQLite: a batch of new messages written in one transaction through statements prepared
/// once on the writer connection, with parameters bound by position. Going below Microsoft.Data.Sqlite here skips
/// what it does on every execution (a new transaction command, parameter lookup by name, a data reader per row),
/// which was half the writer's time per batch; every other query keeps using the ADO.NET layer.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the store's write gate, like every other use of the writer connection.</remarks>
internal sealed class SqliteMessageWriter : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt begin;
    private readonly sqlite3_stmt insert;
    private readonly sqlite3_stmt commit;
    private readonly sqlite3_stmt rollback;

    // Positions of the named parameters of the shared insert, looked up once.
    private readonly int applicationId;
    private readonly int text;
    private readonly int title;
    private readonly int priority;
    private readonly int extras;
    private readonly int date;

    /// <param name="writer">The store's writer connection.</param>
    /// <param name="insertSql">The engine-neutral guarded insert (<see cref="Sql.SqlStore"/>'s <c>InsertMessageSql</c>).</param>
    public SqliteMessageWriter(SqliteConnection writer, string insertSql)
    {
        db = writer.Handle ?? throw new InvalidOperationException("the writer connection is not open");
        begin = Prepare("BEGIN IMMEDIATE");
        insert = Prepare(insertSql);
        commit = Prepare("COMMIT");
        rollback = Prepare("ROLLBACK");
        applicationId = Parameter("@ApplicationId");
        text = Parameter("@Text");
        title = Parameter("@Title");
        priority = Parameter("@Priority");
        extras = Parameter("@Extras");
        date = Parameter("@Date");
    }

    /// <summary>
    /// Inserts <paramref name="messages"/> in one committed (synced) transaction and returns their ids in order, 0 for a
    /// message the guarded insert refused because its application or user no longer exists.
    /// </summary>
    /// <exception cref="SqliteException">The database refused the batch; nothing of it is stored.</exception>
    public long[] Insert(IReadOnlyList<NewMessage> messages)
    {
        Run(begin);
        try
        {
            var ids = new long[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                raw.sqlite3_bind_int64(insert, applicationId, message.ApplicationId);
                raw.sqlite3_bind_text(insert, text, message.Text);
                raw.sqlite3_bind_text(insert, title, message.Title);
                raw.sqlite3_bind_int64(insert, priority, message.Priority);
                if (message.Extras is { } bytes)
                {
                    raw.sqlite3_bind_blob(insert, extras, bytes);
                }
                else
                {
                    raw.sqlite3_bind_null(insert, extras);
                }

                raw.sqlite3_bind_text(insert, date, SqlTime.Format(message.Date));
                Run(insert);
                ids[i] = raw.sqlite3_changes(db) == 1 ? raw.sqlite3_last_insert_rowid(db) : 0;
            }

            Run(commit);
            return ids;
        }
        catch
        {
            // A failed statement or commit can leave the transaction open; a rolled-back one is already closed.
            if (raw.sqlite3_get_autocommit(db) == 0)
            {
                raw.sqlite3_step(rollback);
                raw.sqlite3_reset(rollback);
            }

            throw;
        }
        finally
        {
            // A reset statement keeps its last bound values: SQLite's own copy of the batch's last text (10 MB for a
            // 10 MB message) stayed allocated until the next message replaced it.
            raw.sqlite3_clear_bindings(insert);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        Check(rc);
        return statement;
    }

    private int Parameter(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(insert, name);
        return index > 0 ? index : throw new InvalidOperationException($"the message insert has no parameter {name}");
    }

    private void Run(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        var error = rc == raw.SQLITE_DONE ? null : Error(rc);
        raw.sqlite3_reset(statement);
        if (error is not null)
        {
            throw error;
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    private SqliteException Error(int rc) => new(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));

    public void Dispose()
    {
        // Statements must be finalized before the connection closes, or SQLite keeps it open as a zombie.
        begin.Dispose();
        insert.Dispose();
        commit.Dispose();
        rollback.Dispose();
    }
}
