namespace Herald.Server.Tests.Infrastructure;

/// <summary>
/// A test that reads or writes the server's SQLite file itself (fixtures Gotify wrote, the schema SQLite shows, rows
/// edited behind the server's back): run when the suite runs on SQLite (<see cref="TestEngine"/>), skipped with the
/// reason on the other engines, whose own versions of these checks are in the engine's test class.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (!TestEngine.IsSqlite)
        {
            Skip = $"works on the server's SQLite file; this run's engine is {TestEngine.Current} ({TestEngine.EngineVariable})";
        }
    }
}

/// <inheritdoc cref="SqliteFactAttribute"/>
public sealed class SqliteTheoryAttribute : TheoryAttribute
{
    public SqliteTheoryAttribute()
    {
        if (!TestEngine.IsSqlite)
        {
            Skip = $"works on the server's SQLite file; this run's engine is {TestEngine.Current} ({TestEngine.EngineVariable})";
        }
    }
}

/// <summary>
/// A test of one database server engine (<c>postgres</c> or <c>mysql</c>) that provisions its own databases there:
/// skipped with the reason when that server is not configured, except under CI, where a missing server fails it.
/// </summary>
public sealed class EngineFactAttribute : FactAttribute
{
    public EngineFactAttribute(string dialect)
    {
        Skip = TestEngine.SkipUnlessServer(dialect);
    }
}

/// <inheritdoc cref="EngineFactAttribute"/>
public sealed class EngineTheoryAttribute : TheoryAttribute
{
    public EngineTheoryAttribute(string dialect)
    {
        Skip = TestEngine.SkipUnlessServer(dialect);
    }
}
