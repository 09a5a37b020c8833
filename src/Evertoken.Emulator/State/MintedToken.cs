namespace Evertoken.Emulator;

/// <summary>A freshly minted token: its value and what the emulator knows about it.</summary>
/// <param name="AccessToken">The token value to send as <c>access_token</c>.</param>
/// <param name="Record">The token's record.</param>
public sealed record MintedToken(string AccessToken, TokenRecord Record)
{
    /// <summary>Names the token by its fingerprint, never its value.</summary>
    public override string ToString() => Record.ToString();
}
