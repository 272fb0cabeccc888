namespace Herald.Server.Tls;

/// <summary>An ACME server answered with a problem document (RFC 8555 §6.7) or an order/authorization failed.</summary>
internal sealed class AcmeException : Exception
{
    public AcmeException(string message, string? problemType = null)
        : base(message)
    {
        ProblemType = problemType;
    }

    /// <summary>The problem's <c>type</c> URN, e.g. <c>urn:ietf:params:acme:error:badNonce</c>; null when there was no problem document.</summary>
    public string? ProblemType { get; }
}
