namespace Herald.Server.Model;

/// <summary>A message about to be stored; the store assigns the id.</summary>
public sealed record NewMessage(long ApplicationId, long UserId, string Text, string Title, long Priority, byte[]? Extras, DateTimeOffset Date);
