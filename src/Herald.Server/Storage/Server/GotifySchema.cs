namespace Herald.Server.Storage.Server;

/// <summary>
/// Gotify 3.0's five tables as its ORM (GORM v2) declares them, in engine-neutral column kinds; each database server's
/// <see cref="ServerDialect"/> spells the kinds as GORM's driver for that engine does. Column order is Gotify's struct
/// order, index names are the fixed names in Gotify's model tags, and there are no foreign keys (Gotify creates none).
/// </summary>
internal static class GotifySchema
{
    public static readonly IReadOnlyList<Table> Tables =
    [
        new("users",
        [
            new("id", ColumnKind.Id),
            new("name", ColumnKind.Token),
            new("pass", ColumnKind.Bytes),
            new("admin", ColumnKind.Bool),
            new("created_at", ColumnKind.Time),
            new("oidc_id", ColumnKind.Text),
        ]),
        new("applications",
        [
            new("id", ColumnKind.Id),
            new("token", ColumnKind.Token),
            new("user_id", ColumnKind.Ref),
            new("name", ColumnKind.Text),
            new("description", ColumnKind.Text),
            new("internal", ColumnKind.Bool),
            new("image", ColumnKind.Text),
            new("default_priority", ColumnKind.Int),
            new("created_at", ColumnKind.Time),
            new("last_used", ColumnKind.Time),
            new("sort_key", ColumnKind.Bytes),
        ]),
        new("messages",
        [
            new("id", ColumnKind.Id),
            new("application_id", ColumnKind.Ref),
            new("message", ColumnKind.Text),
            new("title", ColumnKind.Text),
            new("priority", ColumnKind.Int),
            new("extras", ColumnKind.Bytes),
            new("date", ColumnKind.Time),
        ]),
        new("clients",
        [
            new("id", ColumnKind.Id),
            new("token", ColumnKind.Token),
            new("user_id", ColumnKind.Ref),
            new("name", ColumnKind.Text),
            new("created_at", ColumnKind.Time),
            new("last_used", ColumnKind.Time),
            new("elevated_until", ColumnKind.Time),
            new("expires_after_inactivity_seconds", ColumnKind.RefNotNullZero),
            new("expires_at", ColumnKind.Time),
        ]),
        new("plugin_confs",
        [
            new("id", ColumnKind.Id),
            new("user_id", ColumnKind.Ref),
            new("module_path", ColumnKind.Text),
            new("token", ColumnKind.Token),
            new("application_id", ColumnKind.Ref),
            new("enabled", ColumnKind.Bool),
            new("created_at", ColumnKind.Time),
            new("config", ColumnKind.Bytes),
            new("storage", ColumnKind.Bytes),
        ]),
    ];

    /// <summary>
    /// Gotify's indexes (MySQL indexes a prefix of blob and text columns: the lengths are Gotify's), then the two Herald
    /// adds on every engine, as on SQLite: without them listing an application's messages and a user's plugins scan the
    /// table. Gotify's migration leaves indexes it does not know alone.
    /// </summary>
    public static readonly IReadOnlyList<Index> Indexes =
    [
        new("uix_users_name", "users", true, [new("name")]),
        new("uix_users_oidc_id", "users", true, [new("oidc_id", 512)]),
        new("uix_applications_token", "applications", true, [new("token")]),
        new("idx_applications_user_id", "applications", false, [new("user_id")]),
        new("uix_application_user_id_sort_key", "applications", true, [new("user_id"), new("sort_key", 255)]),
        new("idx_messages_id", "messages", false, [new("id")]),
        new("uix_clients_token", "clients", true, [new("token")]),
        new("idx_clients_user_id", "clients", false, [new("user_id")]),
        new("idx_clients_expires_at", "clients", false, [new("expires_at")]),
        new("uix_plugin_confs_token", "plugin_confs", true, [new("token")]),
        new("idx_messages_application_id", "messages", false, [new("application_id")]),
        new("idx_plugin_confs_user_id", "plugin_confs", false, [new("user_id")]),
    ];

    public sealed record Table(string Name, IReadOnlyList<Column> Columns);

    public sealed record Column(string Name, ColumnKind Kind);

    public sealed record Index(string Name, string Table, bool Unique, IReadOnlyList<IndexColumn> Columns);

    /// <param name="MySqlPrefix">The prefix length MySQL indexes of a text or blob column; other engines index the whole value.</param>
    public sealed record IndexColumn(string Name, int MySqlPrefix = 0);
}

/// <summary>Gotify's Go field types, as GORM v2 maps them (reference: gotify-databases-and-scale.md 1.3).</summary>
internal enum ColumnKind
{
    /// <summary><c>uint</c> primary key with auto-increment.</summary>
    Id,

    /// <summary><c>uint</c> (ids of other rows; Gotify declares no foreign keys).</summary>
    Ref,

    /// <summary><c>uint</c> <c>not null default:0</c>.</summary>
    RefNotNullZero,

    /// <summary><c>int</c>.</summary>
    Int,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>string</c> with <c>type:text</c>.</summary>
    Text,

    /// <summary><c>string</c> with <c>type:varchar(180)</c> (tokens and user names: 180 utf8mb4 characters fit an old InnoDB index).</summary>
    Token,

    /// <summary><c>[]byte</c>, and the sort key's <c>type:bytes</c>.</summary>
    Bytes,

    /// <summary><c>time.Time</c> and <c>*time.Time</c>.</summary>
    Time,
}
