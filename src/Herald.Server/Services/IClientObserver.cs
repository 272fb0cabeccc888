namespace Herald.Server.Services;

/// <summary>Told when a client is gone (deleted, logged out or expired), so what it holds open (streams) follows.</summary>
public interface IClientObserver
{
    /// <summary>Called after the client's row was deleted; the token no longer authenticates.</summary>
    void OnClientDeleted(string clientToken);
}
