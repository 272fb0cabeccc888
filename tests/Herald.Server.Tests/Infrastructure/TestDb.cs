using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>Direct access to a server's database (its SQLite file, or its database on the run's server engine), to check what was really stored.</summary>
public static class TestDb
{
    /// <summary>
    /// Opens the database of the servers that work in <paramref name="workDir"/>: <c>gotify.db</c> there on SQLite, its
    /// own database on a server engine (<see cref="TestEngine.DatabaseFor"/>). Queries through it must be portable SQL
    /// with <c>@name</c> parameters.
    /// </summary>
    public static async Task<DbConnection> OpenForAsync(string workDir, bool readOnly = true) =>
        TestEngine.IsSqlite
            ? await OpenAsync(Path.Combine(workDir, "gotify.db"), readOnly)
            : await TestEngine.DatabaseFor(workDir).OpenAsync();

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

    public static async Task<object?> ScalarAsync(this DbConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(parameter);
        }

        return await cmd.ExecuteScalarAsync();
    }

    public static async Task<int> ExecAsync(this DbConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(parameter);
        }

        return await cmd.ExecuteNonQueryAsync();
    }
}
