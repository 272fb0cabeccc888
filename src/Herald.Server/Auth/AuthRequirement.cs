namespace Herald.Server.Auth;

/// <summary>What a route demands of its caller (Gotify's auth middlewares).</summary>
public enum AuthRequirement
{
    /// <summary>Anyone; a valid user credential is still resolved (POST /user).</summary>
    Optional,

    /// <summary>Basic auth or a client token.</summary>
    Client,

    /// <summary>As <see cref="Client"/>, and a client token must be elevated (basic auth always is).</summary>
    ElevatedClient,

    /// <summary>As <see cref="Client"/>, of an admin.</summary>
    Admin,

    /// <summary>An application token, or a client token or basic auth (which must then name the application).</summary>
    ApplicationOrClient,
}
