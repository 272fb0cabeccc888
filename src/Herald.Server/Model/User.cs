namespace Herald.Server.Model;

/// <summary>A row of Gotify's <c>users</c> table.</summary>
/// <param name="Pass">The bcrypt hash as stored (bytes of <c>$2a$…</c>); <see langword="null"/> for users without a local password.</param>
public sealed record User(long Id, string Name, byte[]? Pass, bool Admin, DateTimeOffset? CreatedAt, string? OidcId = null);
