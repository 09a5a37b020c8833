using System.Net;
using System.Text.Json;
using Evertoken.Tokens;

namespace Evertoken.Http;

/// <summary>
/// Puts the current managed token (and its <c>appsecret_proof</c>) on every request of an <see cref="HttpClient"/>
/// to the Graph API. When Graph answers with error 190 (expired or invalidated token), it renews the token once —
/// single-flight through <see cref="ITokenKeeper.RefreshAsync"/>, so a burst of 190s is one renewal — and retries the
/// request once. A request whose body cannot be replayed (a <see cref="StreamContent"/>) is never retried. Async only:
/// the synchronous <c>Send</c> throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class TokenHandler(ITokenKeeper keeper, string tokenName) : DelegatingHandler
{
    /// <summary>The managed token this handler uses.</summary>
    public string TokenName { get; } = tokenName;

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("TokenHandler is async only: use SendAsync.");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await keeper.GetAsync(TokenName, cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!IsReplayable(request.Content) || !await IsTokenErrorAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        var outcome = await keeper.RefreshAsync(TokenName, token.Version, cancellationToken).ConfigureAwait(false);
        if (outcome.Current.Version == token.Version)
        {
            // No newer token to try: the caller gets Meta's 190 answer.
            return response;
        }

        response.Dispose();
        Apply(request, outcome.Current);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the bearer token and replaces any <c>appsecret_proof</c> / <c>access_token</c> in the query.</summary>
    internal static void Apply(HttpRequestMessage request, CurrentToken token)
    {
        request.Headers.Authorization = new("Bearer", token.Value);
        if (request.RequestUri is not { } uri)
        {
            return;
        }

        var builder = new UriBuilder(uri);
        var kept = builder.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("appsecret_proof=", StringComparison.Ordinal) && !p.StartsWith("appsecret_time=", StringComparison.Ordinal)
                && !p.StartsWith("access_token=", StringComparison.Ordinal))
            .ToList();
        if (token.Proof is { } proof)
        {
            kept.Add("appsecret_proof=" + proof);
        }

        builder.Query = string.Join('&', kept);
        request.RequestUri = builder.Uri;
    }

    private static bool IsReplayable(HttpContent? content) =>
        content is null or ByteArrayContent or ReadOnlyMemoryContent or System.Net.Http.Json.JsonContent;

    /// <summary>True for Graph error code 190, whatever the status (Meta's references disagree on 400 vs 401).</summary>
    private static async Task<bool> IsTokenErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) || response.Content is null)
        {
            return false;
        }

        // Error bodies are small; buffering keeps them readable by the caller afterwards.
        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
            return doc.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.GetInt32() == 190;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
