using System.Text.Json;
using Evertoken.Tokens;

namespace Evertoken.Server.Api.Internal;

/// <summary>
/// What every read of one token version answers and audits, built once per version rather than per read: the JSON
/// body (<see cref="TokenValueView"/>) and the audit detail (version and fingerprint, never the value).
/// </summary>
internal sealed class PreparedRead
{
    public PreparedRead(string name, CurrentToken token)
    {
        Name = name;
        Token = token;
        Body = JsonSerializer.SerializeToUtf8Bytes(TokenValueReads.View(name, token), TokenValueJsonContext.Default.TokenValueView);
        AuditDetail = TokenValueReads.AuditDetail(token);
    }

    /// <summary>The name as the caller asked for it (the body's <c>name</c>).</summary>
    public string Name { get; }

    /// <summary>The version this was built from: reused only while the keeper hands out this very instance.</summary>
    public CurrentToken Token { get; }

    /// <summary>The UTF-8 JSON answer. Holds the value: never logged.</summary>
    public byte[] Body { get; }

    public string AuditDetail { get; }
}
