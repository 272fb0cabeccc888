using Herald.Server.Model;

namespace Herald.Server.Storage.Sql;

// Dapper materializes these; times stay untyped because each engine (and each past writer) returns them differently,
// and the store's reader (SqlStore.ReadTime) turns them into times.
#pragma warning disable CA1812
internal sealed class UserRow
{
    public const string Columns = "id AS Id, name AS Name, pass AS Pass, admin AS Admin, created_at AS CreatedAt, oidc_id AS OidcId";

    public long Id { get; set; }
    public string? Name { get; set; }
    public byte[]? Pass { get; set; }
    public bool Admin { get; set; }
    public object? CreatedAt { get; set; }
    public string? OidcId { get; set; }

    public User ToModel(Func<object?, DateTimeOffset?> time) => new(Id, Name ?? string.Empty, Pass, Admin, time(CreatedAt), OidcId);
}

internal sealed class ApplicationRow
{
    public const string Columns = "id AS Id, token AS Token, user_id AS UserId, name AS Name, description AS Description, internal AS Internal, image AS Image, default_priority AS DefaultPriority, created_at AS CreatedAt, last_used AS LastUsed, sort_key AS SortKey";

    public long Id { get; set; }
    public string? Token { get; set; }
    public long UserId { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool Internal { get; set; }
    public string? Image { get; set; }
    public long? DefaultPriority { get; set; }
    public object? CreatedAt { get; set; }
    public object? LastUsed { get; set; }
    public object? SortKey { get; set; }

    public Application ToModel(Func<object?, DateTimeOffset?> time) => new(
        Id,
        Token ?? string.Empty,
        UserId,
        Name ?? string.Empty,
        Description ?? string.Empty,
        Internal,
        Image ?? string.Empty,
        DefaultPriority ?? 0,
        time(CreatedAt),
        time(LastUsed),
        SortKey switch
        {
            null => string.Empty,
            byte[] b => System.Text.Encoding.UTF8.GetString(b),
            var o => o.ToString() ?? string.Empty,
        });
}

internal sealed class ClientRow
{
    public const string Columns = "id AS Id, token AS Token, user_id AS UserId, name AS Name, created_at AS CreatedAt, last_used AS LastUsed, elevated_until AS ElevatedUntil, expires_after_inactivity_seconds AS ExpiresAfterInactivitySeconds, expires_at AS ExpiresAt";

    public long Id { get; set; }
    public string? Token { get; set; }
    public long UserId { get; set; }
    public string? Name { get; set; }
    public object? CreatedAt { get; set; }
    public object? LastUsed { get; set; }
    public object? ElevatedUntil { get; set; }
    public long? ExpiresAfterInactivitySeconds { get; set; }
    public object? ExpiresAt { get; set; }

    public Client ToModel(Func<object?, DateTimeOffset?> time) => new(
        Id,
        Token ?? string.Empty,
        UserId,
        Name ?? string.Empty,
        time(CreatedAt),
        time(LastUsed),
        time(ElevatedUntil),
        ExpiresAfterInactivitySeconds ?? 0,
        time(ExpiresAt));
}

internal sealed class MessageRow
{
    public const string Columns = "messages.id AS Id, messages.application_id AS ApplicationId, messages.message AS Text, messages.title AS Title, messages.priority AS Priority, messages.extras AS Extras, messages.date AS Date";

    public long Id { get; set; }
    public long ApplicationId { get; set; }
    public string? Text { get; set; }
    public string? Title { get; set; }
    public long? Priority { get; set; }
    public object? Extras { get; set; }
    public object? Date { get; set; }
    public long UserId { get; set; }

    public Message ToModel(Func<object?, DateTimeOffset?> time) => new(
        Id,
        ApplicationId,
        Text ?? string.Empty,
        Title ?? string.Empty,
        Priority ?? 0,
        Extras switch
        {
            null => null,
            byte[] { Length: 0 } => null,
            byte[] b => b,
            string { Length: 0 } => null,
            string s => System.Text.Encoding.UTF8.GetBytes(s),
            _ => null,
        },
        time(Date) ?? DateTimeOffset.UnixEpoch);
}

internal sealed class PluginConfRow
{
    public const string Columns = "id AS Id, user_id AS UserId, module_path AS ModulePath, token AS Token, application_id AS ApplicationId, enabled AS Enabled, created_at AS CreatedAt, config AS Config, storage AS Storage";

    public long Id { get; set; }
    public long UserId { get; set; }
    public string? ModulePath { get; set; }
    public string? Token { get; set; }
    public long? ApplicationId { get; set; }
    public bool Enabled { get; set; }
    public object? CreatedAt { get; set; }
    public object? Config { get; set; }
    public object? Storage { get; set; }

    public PluginConf ToModel(Func<object?, DateTimeOffset?> time) => new(
        Id,
        UserId,
        ModulePath ?? string.Empty,
        Token ?? string.Empty,
        ApplicationId ?? 0,
        Enabled,
        time(CreatedAt),
        Bytes(Config),
        Bytes(Storage));

    private static byte[]? Bytes(object? value) => value switch
    {
        null => null,
        byte[] b => b,
        string s => System.Text.Encoding.UTF8.GetBytes(s),
        _ => null,
    };
}
#pragma warning restore CA1812
