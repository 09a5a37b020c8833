using Evertoken.Tokens;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// What every call with one token version sends, built once per version rather than per call: the
/// <c>Authorization</c> header value and the <c>appsecret_proof</c> query parameter (classic form).
/// </summary>
internal sealed class PreparedToken
{
    public PreparedToken(CurrentToken token)
    {
        Token = token;
        Authorization = "Bearer " + token.Value;
        ProofQuery = token.HasAppSecret && token.Proof is { } proof ? QueryString.Create("appsecret_proof", proof) : QueryString.Empty;
    }

    public CurrentToken Token { get; }

    public string Authorization { get; }

    /// <summary><c>?appsecret_proof=...</c>, or empty when the token has no app secret.</summary>
    public QueryString ProofQuery { get; }
}
