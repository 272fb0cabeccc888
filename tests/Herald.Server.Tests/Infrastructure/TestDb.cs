using Microsoft.Data.Sqlite;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>Direct access to a server's SQLite file, to check what was really stored.</summary>
public static class TestDb
{
    /// <summary>Opens <paramref name="path"/> without pooling (so no handle outlives the test).</summary>
    public static async Task<SqliteConnection> OpenAsync(string path, bool readOnly = true)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var db = new SqliteConnection(builder.ToString());
        await db.OpenAsync();
        await using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "PRAGMA busy_timeout = 10000";
            await cmd.ExecuteNonQueryAsync();
        }

        return db;
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await cmd.ExecuteScalarAsync();
    }

    public static async Task<int> ExecAsync(this SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await cmd.ExecuteNonQueryAsync();
    }
}
