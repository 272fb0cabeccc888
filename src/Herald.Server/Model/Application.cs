namespace Herald.Server.Model;

/// <summary>A row of Gotify's <c>applications</c> table: a sender of messages owned by one user.</summary>
/// <param name="Image">File name inside the images folder, or empty for the default image.</param>
/// <param name="Internal">True for applications created for a plugin; those cannot be deleted through the API.</param>
public sealed record Application(
    long Id,
    string Token,
    long UserId,
    string Name,
    string Description,
    bool Internal,
    string Image,
    long DefaultPriority,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastUsed,
    string SortKey);
