namespace Herald.Server.Http;

/// <summary>The validator texts Gotify's binding produces.</summary>
internal static class Validation
{
    public static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw ApiException.BadRequest($"Field '{field}' is required") : value;

    public static T Required<T>(T? value, string field)
        where T : struct =>
        value is { } v && !EqualityComparer<T>.Default.Equals(v, default) ? v : throw ApiException.BadRequest($"Field '{field}' is required");
}
