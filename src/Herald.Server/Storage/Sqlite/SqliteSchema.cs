namespace Herald.Server.Storage.Sqlite;

/// <summary>
/// Gotify's tables as its ORM creates them on SQLite. A table that exists gets only its missing columns added,
/// which is how a Gotify 2.x database gains the 3.x columns; nothing is dropped or renamed.
/// </summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<Table> Tables =
    [
        new("users",
        [
            new("id", "integer PRIMARY KEY AUTOINCREMENT"),
            new("name", "varchar(180)"),
            new("pass", "blob"),
            new("admin", "numeric"),
            new("created_at", "datetime"),
            new("oidc_id", "text"),
        ]),
        new("applications",
        [
            new("id", "integer PRIMARY KEY AUTOINCREMENT"),
            new("token", "varchar(180)"),
            new("user_id", "integer"),
            new("name", "text"),
            new("description", "text"),
            new("internal", "numeric"),
            new("image", "text"),
            new("default_priority", "integer"),
            new("created_at", "datetime"),
            new("last_used", "datetime"),
            new("sort_key", "blob"),
        ]),
        new("messages",
        [
            new("id", "integer PRIMARY KEY AUTOINCREMENT"),
            new("application_id", "integer"),
            new("message", "text"),
            new("title", "text"),
            new("priority", "integer"),
            new("extras", "blob"),
            new("date", "datetime"),
        ]),
        new("clients",
        [
            new("id", "integer PRIMARY KEY AUTOINCREMENT"),
            new("token", "varchar(180)"),
            new("user_id", "integer"),
            new("name", "text"),
            new("created_at", "datetime"),
            new("last_used", "datetime"),
            new("elevated_until", "datetime"),
            new("expires_after_inactivity_seconds", "integer NOT NULL DEFAULT 0"),
            new("expires_at", "datetime"),
        ]),
        new("plugin_confs",
        [
            new("id", "integer PRIMARY KEY AUTOINCREMENT"),
            new("user_id", "integer"),
            new("module_path", "text"),
            new("token", "varchar(180)"),
            new("application_id", "integer"),
            new("enabled", "numeric"),
            new("created_at", "datetime"),
            new("config", "blob"),
            new("storage", "blob"),
        ]),
    ];

    /// <summary>Gotify's index names, plus the two Herald needs for per-application message queries and client expiry.</summary>
    public static readonly IReadOnlyList<string> Indexes =
    [
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_users_name ON users(name)",
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_users_oidc_id ON users(oidc_id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_applications_token ON applications(token)",
        "CREATE INDEX IF NOT EXISTS idx_applications_user_id ON applications(user_id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_application_user_id_sort_key ON applications(user_id, sort_key)",
        "CREATE INDEX IF NOT EXISTS idx_messages_id ON messages(id)",
        "CREATE INDEX IF NOT EXISTS idx_messages_application_id ON messages(application_id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_clients_token ON clients(token)",
        "CREATE INDEX IF NOT EXISTS idx_clients_user_id ON clients(user_id)",
        "CREATE INDEX IF NOT EXISTS idx_clients_expires_at ON clients(expires_at)",
        "CREATE UNIQUE INDEX IF NOT EXISTS uix_plugin_confs_token ON plugin_confs(token)",
        "CREATE INDEX IF NOT EXISTS idx_plugin_confs_user_id ON plugin_confs(user_id)",
    ];

    public sealed record Table(string Name, IReadOnlyList<Column> Columns);

    public sealed record Column(string Name, string Definition);
}
