using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Authenticates a Graph call: the token must be present and valid, and an <c>appsecret_proof</c> is checked
/// whenever one is sent, and required when the app has "Require App Secret" on (reference graph-tokens.md §5).
/// Endpoints added later (messages, media) should use this too.
/// </summary>
internal static class GraphAuth
{
    /// <summary>Returns the caller, or the error to answer with.</summary>
    public static (GraphCaller? Caller, GraphError? Error) Authenticate(EmulatorState state, GraphRequest request)
    {
        if (request.AccessToken is not { } token)
        {
            return (null, GraphErrors.TokenRequired());
        }

        var verdict = TokenValidator.Validate(state, token);
        if (!verdict.IsValid || verdict.Record is null || verdict.App is null)
        {
            return (null, verdict.TopLevelError ?? new GraphError(190, GraphErrors.CannotParseMessage));
        }

        if (CheckProof(state, request, token, verdict.App, verdict.Record.Kind) is { } proofError)
        {
            return (null, proofError);
        }

        return (new GraphCaller(token, verdict.Record, verdict.App), null);
    }

    /// <summary>Checks the proof that came with <paramref name="token"/>; null when it is fine.</summary>
    public static GraphError? CheckProof(EmulatorState state, GraphRequest request, string token, EmulatorApp app, EmulatorTokenKind kind)
    {
        var proof = request["appsecret_proof"];
        if (proof is null)
        {
            // An app token carries the secret itself; the switch is about user/Page/system-user tokens.
            return app.RequireAppSecretProof && kind != EmulatorTokenKind.App ? GraphErrors.ProofRequired() : null;
        }

        return ProofMatches(state, request, token, app.Secret, proof) ? null : GraphErrors.ProofInvalid();
    }

    /// <summary>
    /// Classic form HMAC-SHA256(secret, token); with <c>appsecret_time</c>, HMAC-SHA256(secret, token|time) and the
    /// time within the window (5 minutes by default) of the emulator clock.
    /// </summary>
    public static bool ProofMatches(EmulatorState state, GraphRequest request, string token, string secret, string proof)
    {
        var message = token;
        if (request["appsecret_time"] is { } timeText)
        {
            if (!long.TryParse(timeText, NumberStyles.None, CultureInfo.InvariantCulture, out var time))
            {
                return false;
            }

            var now = state.Clock.GetUtcNow().ToUnixTimeSeconds();
            if (Math.Abs(now - time) > state.Settings.AppSecretProofWindowSeconds)
            {
                // REVIEW: Meta's answer for an expired time-stamped proof is unconfirmed; the invalid-proof error is the closest.
                return false;
            }

            message = token + "|" + timeText;
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(proof.ToLowerInvariant()));
    }
}
