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

    public SqliteMessageWriter(SqliteConnection writer)
    {
        db = writer.Handle ?? throw new InvalidOperationException("the writer connection is not open");
        begin = Prepare("BEGIN IMMEDIATE");
        insert = Prepare("INSERT INTO messages (application_id, message, title, priority, extras, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        commit = Prepare("COMMIT");
        rollback = Prepare("ROLLBACK");
    }

    /// <summary>Inserts <paramref name="messages"/> in one committed (synced) transaction and returns their ids in order.</summary>
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
                raw.sqlite3_bind_int64(insert, 1, message.ApplicationId);
                raw.sqlite3_bind_text(insert, 2, message.Text);
                raw.sqlite3_bind_text(insert, 3, message.Title);
                raw.sqlite3_bind_int64(insert, 4, message.Priority);
                if (message.Extras is { } extras)
                {
                    raw.sqlite3_bind_blob(insert, 5, extras);
                }
                else
                {
                    raw.sqlite3_bind_null(insert, 5);
                }

                raw.sqlite3_bind_text(insert, 6, SqlTime.Format(message.Date));
                Run(insert);
                ids[i] = raw.sqlite3_last_insert_rowid(db);
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
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        Check(rc);
        return statement;
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
