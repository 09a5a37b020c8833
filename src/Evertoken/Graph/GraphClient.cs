using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Evertoken.Graph.Internal;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;

namespace Evertoken.Graph;

/// <summary>
/// A typed client for the Graph API calls Evertoken needs: token inspection, exchange and creation, and the WhatsApp
/// account checks. Every call returns a <see cref="GraphResult{T}"/>: Meta's expected failures (expired or revoked
/// token, missing permission, throttling, outage, no answer at all) are values with a classified
/// <see cref="GraphError"/>. Bad arguments throw <see cref="ArgumentException"/>, and cancelling the caller's token throws
/// <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// Requests go to <c>{BaseUrl}/{Version}/{path}</c>. The caller's token travels in the <c>Authorization: Bearer</c>
/// header, never in the URL; when the app secret is known, <c>appsecret_proof</c> (and <c>appsecret_time</c> with
/// <see cref="GraphOptions.UseTimestampedProof"/>) is added. The oauth endpoints and <c>debug_token</c> take the token
/// they act on as a query parameter, because that is how Meta defines them (graph-tokens.md §1–§4); since .NET 9,
/// IHttpClientFactory logs and HttpClient events replace the query with <c>*</c>
/// (https://learn.microsoft.com/dotnet/core/compatibility/networking/9.0/query-redaction-logs), and no error message
/// of this client contains a URL query, a token or a secret.
/// </remarks>
public sealed class GraphClient
{
    /// <summary>The fields asked for on phone numbers: the defaults plus the status fields the doctor checks
    /// (whatsapp-cloud-api.md §6).</summary>
    internal const string PhoneNumberFields =
        "id,display_phone_number,verified_name,quality_rating,code_verification_status,name_status,status,"
        + "platform_type,host_platform,account_mode,messaging_limit_tier,country_code,country_dial_code,"
        + "unified_cert_status,is_official_business_account,username";

    private readonly GraphTransport _transport;

    /// <summary>Creates the client over an <see cref="HttpClient"/> (normally from <c>IHttpClientFactory</c>).</summary>
    /// <exception cref="ArgumentException"><see cref="GraphOptions.BaseUrl"/> is not an absolute http(s) URL.</exception>
    public GraphClient(HttpClient http, IOptions<GraphOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var value = options.Value ?? throw new ArgumentException("GraphOptions are required.", nameof(options));
        if (value.BaseUrl is not { IsAbsoluteUri: true } baseUrl || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"GraphOptions.BaseUrl must be an absolute http(s) URL, got '{value.BaseUrl}'.", nameof(options));
        }

        Options = value;
        _transport = new GraphTransport(http, value, timeProvider);
    }

    /// <summary>The options this client was built with.</summary>
    public GraphOptions Options { get; }

    /// <summary>
    /// Builds a client by hand, for a CLI, a test or a host without dependency injection. The client owns a new
    /// <see cref="HttpClient"/>; <paramref name="handler"/>, when given, stays the caller's to dispose.
    /// <see cref="GraphOptions.Timeout"/> keeps its default (30 s).
    /// </summary>
    /// <param name="baseUrl">The Graph base URL, e.g. <c>https://graph.facebook.com/</c> or the emulator's address.</param>
    /// <param name="version">The API version segment. Default <c>v25.0</c>.</param>
    /// <param name="handler">The HTTP handler; default a <see cref="SocketsHttpHandler"/> that renews connections every 5 minutes.</param>
    /// <param name="time">The clock; default <see cref="TimeProvider.System"/>.</param>
    public static GraphClient Create(Uri baseUrl, string version = "v25.0", HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var http = handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            : new HttpClient(handler, disposeHandler: false);
        // GraphOptions.Timeout bounds each call; HttpClient's own 100 s default would only muddy that.
        http.Timeout = Timeout.InfiniteTimeSpan;
        var options = new GraphOptions { BaseUrl = baseUrl, Version = version };
        return new GraphClient(http, Microsoft.Extensions.Options.Options.Create(options), time ?? TimeProvider.System);
    }

    /// <summary>
    /// Inspects a token with <c>GET /debug_token</c>. An invalid <paramref name="inputToken"/> is still a success: the
    /// <see cref="TokenInfo"/> has <see cref="TokenInfo.IsValid"/> false and <see cref="TokenInfo.Error"/> set (e.g.
    /// <see cref="GraphErrorKind.Expired"/> for 190/463). A failure means the call itself failed, e.g. a bad caller token.
    /// </summary>
    /// <param name="inputToken">The token to inspect.</param>
    /// <param name="callerToken">An app token of the same app (<c>{app-id}|{app-secret}</c> works), or a token of an
    /// admin or developer of the app; the input token itself works when it is valid.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c> for the caller token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<TokenInfo>> DebugTokenAsync(string inputToken, string callerToken, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputToken);
        ArgumentException.ThrowIfNullOrWhiteSpace(callerToken);
        var request = GraphRequest.Get("debug_token")
            .WithQuery("input_token", inputToken, secret: true)
            .WithBearer(callerToken, appSecret);
        return _transport.SendAsync<TokenInfo>(request, ReadTokenInfo, cancellationToken);
    }

    /// <summary>
    /// Exchanges a token with <c>grant_type=fb_exchange_token</c>: a short-lived user token for a 60-day one, or, with
    /// <paramref name="systemUser60Days"/>, a 60-day system-user token for a fresh 60-day one
    /// (<c>set_token_expires_in_60_days=true</c>; the old token keeps working until its own expiry).
    /// <see cref="IssuedToken.ExpiresIn"/> is null when Meta leaves <c>expires_in</c> out.
    /// </summary>
    /// <param name="app">The app the token belongs to.</param>
    /// <param name="token">The token to exchange; an expired one cannot be exchanged.</param>
    /// <param name="systemUser60Days">Refresh an expiring system-user token. Default false.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IssuedToken>> ExchangeTokenAsync(AppCredentials app, string token, bool systemUser60Days = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var request = GraphRequest.Get("oauth", "access_token")
            .WithQuery("grant_type", "fb_exchange_token")
            .WithQuery("client_id", app.AppId)
            .WithQuery("client_secret", app.AppSecret, secret: true);
        if (systemUser60Days)
        {
            request.WithQuery("set_token_expires_in_60_days", "true");
        }

        request.WithQuery("fb_exchange_token", token, secret: true);
        return _transport.SendAsync<IssuedToken>(request, ReadIssuedToken, cancellationToken);
    }

    /// <summary>
    /// Exchanges an authorization code (Embedded Signup, Facebook Login) for a business token with
    /// <c>GET /oauth/access_token?client_id&amp;client_secret&amp;code</c>.
    /// </summary>
    /// <param name="app">The app that ran the login flow.</param>
    /// <param name="code">The code the flow returned; it can be used once.</param>
    /// <param name="redirectUri">The <c>redirect_uri</c> of the login dialog, when it had one (it must match).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IssuedToken>> ExchangeCodeAsync(AppCredentials app, string code, string? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var request = GraphRequest.Get("oauth", "access_token")
            .WithQuery("client_id", app.AppId)
            .WithQuery("client_secret", app.AppSecret, secret: true);
        if (!string.IsNullOrWhiteSpace(redirectUri))
        {
            request.WithQuery("redirect_uri", redirectUri);
        }

        request.WithQuery("code", code, secret: true);
        return _transport.SendAsync<IssuedToken>(request, ReadIssuedToken, cancellationToken);
    }

    /// <summary>Gets an app access token with <c>grant_type=client_credentials</c>. It has no <c>expires_in</c>: app tokens
    /// last until the app secret is reset.</summary>
    /// <param name="app">The app.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IssuedToken>> GetAppTokenAsync(AppCredentials app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var request = GraphRequest.Get("oauth", "access_token")
            .WithQuery("client_id", app.AppId)
            .WithQuery("client_secret", app.AppSecret, secret: true)
            .WithQuery("grant_type", "client_credentials");
        return _transport.SendAsync<IssuedToken>(request, ReadIssuedToken, cancellationToken);
    }

    /// <summary>
    /// Installs the app for a system user (<c>POST /{system-user-id}/applications</c>, <c>business_app={app-id}</c>), the
    /// step before <see cref="CreateSystemUserTokenAsync"/>. True when Meta answers <c>true</c> or
    /// <c>{"success":true}</c> (the docs only say "a boolean").
    /// </summary>
    /// <param name="systemUserId">The system user's id.</param>
    /// <param name="app">The app to install; its secret signs <paramref name="adminToken"/>'s proof.</param>
    /// <param name="adminToken">A token of a business admin, an admin system user, or another system user of the business.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<bool>> InstallAppAsync(string systemUserId, AppCredentials app, string adminToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(systemUserId);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(adminToken);
        var request = GraphRequest.Post(systemUserId, "applications")
            .WithForm("business_app", app.AppId)
            .WithBearer(adminToken, app.AppSecret);
        return _transport.SendAsync<bool>(request, ReadSuccessFlag, cancellationToken);
    }

    /// <summary>
    /// Generates a system-user token (<c>POST /{system-user-id}/access_tokens</c>, form-encoded, with the
    /// <c>appsecret_proof</c> this endpoint requires). The answer has no <c>expires_in</c>; inspect the token with
    /// <see cref="DebugTokenAsync"/> to read its expiry.
    /// </summary>
    /// <param name="systemUserId">The system user; it must have the app installed (<see cref="InstallAppAsync"/>).</param>
    /// <param name="app">The app the token is for (<c>business_app</c>); its secret signs the proof.</param>
    /// <param name="adminToken">A token of a business admin, admin system user, or system user of the same business.</param>
    /// <param name="scopes">The permissions, e.g. <c>whatsapp_business_management</c>, <c>whatsapp_business_messaging</c>.</param>
    /// <param name="expiresIn60Days">True for an expiring 60-day token (Meta's recommendation, and required for some
    /// businesses); false for a non-expiring one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">No scope, or an empty one.</exception>
    public Task<GraphResult<IssuedToken>> CreateSystemUserTokenAsync(string systemUserId, AppCredentials app, string adminToken, IEnumerable<string> scopes, bool expiresIn60Days, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(systemUserId);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(adminToken);
        ArgumentNullException.ThrowIfNull(scopes);
        var scopeList = scopes.Select(s => s?.Trim()).ToList();
        if (scopeList.Count == 0 || scopeList.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one scope is required, and none may be empty.", nameof(scopes));
        }

        var request = GraphRequest.Post(systemUserId, "access_tokens")
            .WithForm("business_app", app.AppId)
            .WithForm("scope", string.Join(',', scopeList));
        if (expiresIn60Days)
        {
            request.WithForm("set_token_expires_in_60_days", "true");
        }

        request.WithBearer(adminToken, app.AppSecret);
        return _transport.SendAsync<IssuedToken>(request, ReadIssuedToken, cancellationToken);
    }

    /// <summary>
    /// Revokes a token at once with <c>GET /oauth/revoke</c> (debug_token then reports it invalid, most likely subcode 466).
    /// Accepts <c>{"success":true}</c> and the documented <c>{"success":"true",}</c>.
    /// </summary>
    /// <param name="app">The app both tokens belong to.</param>
    /// <param name="tokenToRevoke">The token to kill (<c>revoke_token</c>).</param>
    /// <param name="callerToken">The token making the call; may be the same token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<bool>> RevokeTokenAsync(AppCredentials app, string tokenToRevoke, string callerToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenToRevoke);
        ArgumentException.ThrowIfNullOrWhiteSpace(callerToken);
        var request = GraphRequest.Get("oauth", "revoke")
            .WithQuery("client_id", app.AppId)
            .WithQuery("client_secret", app.AppSecret, secret: true)
            .WithQuery("revoke_token", tokenToRevoke, secret: true)
            .WithBearer(callerToken, app.AppSecret);
        return _transport.SendAsync<bool>(request, ReadSuccessFlag, cancellationToken);
    }

    /// <summary>Lists a business's system users (<c>GET /{business-id}/system_users</c>), following the pages.</summary>
    /// <param name="businessId">The Business Manager (business portfolio) id.</param>
    /// <param name="token">A token with <c>business_management</c> on that business.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IReadOnlyList<SystemUserInfo>>> ListSystemUsersAsync(string businessId, string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(businessId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return _transport.GetAllPagesAsync(
            after => Paged(GraphRequest.Get(businessId, "system_users"), after).WithBearer(token, appSecret),
            GraphJsonContext.Default.GraphPageSystemUserInfo,
            u => string.IsNullOrEmpty(u.Id) ? null : u,
            cancellationToken);
    }

    /// <summary>Asks who a token speaks for (<c>GET /me</c>): the user, system user or Page.</summary>
    /// <param name="token">The token.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<GraphProfile>> GetMeAsync(string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var request = GraphRequest.Get("me").WithBearer(token, appSecret);
        return _transport.SendAsync<GraphProfile>(request, ReadProfile, cancellationToken);
    }

    /// <summary>Reads a WhatsApp phone number (<c>GET /{phone-number-id}?fields=...</c>) with its quality, verification,
    /// name and registration status.</summary>
    /// <param name="phoneNumberId">The phone number id (not the number itself).</param>
    /// <param name="token">A token with <c>whatsapp_business_management</c> on the number's account.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<PhoneNumberInfo>> GetPhoneNumberAsync(string phoneNumberId, string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumberId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var request = GraphRequest.Get(phoneNumberId)
            .WithQuery("fields", PhoneNumberFields)
            .WithBearer(token, appSecret);
        return _transport.SendAsync<PhoneNumberInfo>(request, ReadPhoneNumber, cancellationToken);
    }

    /// <summary>Lists a WhatsApp business account's phone numbers (<c>GET /{waba-id}/phone_numbers</c>), following the
    /// cursor pages (100 per page, at most 50 pages).</summary>
    /// <param name="wabaId">The WhatsApp business account id.</param>
    /// <param name="token">A token with <c>whatsapp_business_management</c> on that account.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IReadOnlyList<PhoneNumberInfo>>> ListPhoneNumbersAsync(string wabaId, string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wabaId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return _transport.GetAllPagesAsync(
            after => Paged(GraphRequest.Get(wabaId, "phone_numbers").WithQuery("fields", PhoneNumberFields), after).WithBearer(token, appSecret),
            GraphJsonContext.Default.GraphPagePhoneNumberInfo,
            p => string.IsNullOrEmpty(p.Id) ? null : p,
            cancellationToken);
    }

    /// <summary>Lists the apps subscribed to a WhatsApp business account's webhooks (<c>GET /{waba-id}/subscribed_apps</c>);
    /// empty when none is.</summary>
    /// <param name="wabaId">The WhatsApp business account id.</param>
    /// <param name="token">A token with <c>whatsapp_business_management</c> on that account.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<IReadOnlyList<SubscribedApp>>> GetSubscribedAppsAsync(string wabaId, string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wabaId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return _transport.GetAllPagesAsync(
            after => After(GraphRequest.Get(wabaId, "subscribed_apps"), after).WithBearer(token, appSecret),
            GraphJsonContext.Default.GraphPageSubscribedAppEntry,
            e => e.App is { Id.Length: > 0 } app ? app : null,
            cancellationToken);
    }

    /// <summary>Subscribes the token's app to a WhatsApp business account's webhooks (<c>POST /{waba-id}/subscribed_apps</c>,
    /// no body, so the app's own callback URL is used). True on <c>{"success":true}</c>.</summary>
    /// <param name="wabaId">The WhatsApp business account id.</param>
    /// <param name="token">A token of the app, with <c>whatsapp_business_management</c> on that account.</param>
    /// <param name="appSecret">The app secret, to send <c>appsecret_proof</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GraphResult<bool>> SubscribeAppAsync(string wabaId, string token, string? appSecret = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(wabaId);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var request = GraphRequest.Post(wabaId, "subscribed_apps").WithBearer(token, appSecret);
        return _transport.SendAsync<bool>(request, ReadSuccessFlag, cancellationToken);
    }

    private static GraphRequest Paged(GraphRequest request, string? after) =>
        After(request.WithQuery("limit", GraphTransport.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), after);

    private static GraphRequest After(GraphRequest request, string? after) =>
        after is null ? request : request.WithQuery("after", after);

    private static bool ReadTokenInfo(ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out TokenInfo value)
    {
        var response = JsonSerializer.Deserialize(body.Span, GraphJsonContext.Default.DebugTokenResponse);
        value = response?.Data is { } data ? TokenInfoParser.FromData(data) : null;
        return value is not null;
    }

    private static bool ReadIssuedToken(ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out IssuedToken value)
    {
        value = ParseIssuedToken(body.Span);
        return value is not null;
    }

    /// <summary>Reads an oauth/access_token-shaped body; null without an <c>access_token</c>. A missing, zero or negative
    /// <c>expires_in</c> gives a null <see cref="IssuedToken.ExpiresIn"/>.</summary>
    internal static IssuedToken? ParseIssuedToken(ReadOnlySpan<byte> body)
    {
        var response = JsonSerializer.Deserialize(body, GraphJsonContext.Default.OAuthTokenResponse);
        return response?.AccessToken is { Length: > 0 } token
            ? new IssuedToken(token, response.TokenType, response.ExpiresIn is > 0 and var s ? TimeSpan.FromSeconds(s) : null)
            : null;
    }

    private static bool ReadProfile(ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out GraphProfile value)
    {
        value = JsonSerializer.Deserialize(body.Span, GraphJsonContext.Default.GraphProfile);
        return value is { Id.Length: > 0 };
    }

    private static bool ReadPhoneNumber(ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out PhoneNumberInfo value)
    {
        value = JsonSerializer.Deserialize(body.Span, GraphJsonContext.Default.PhoneNumberInfo);
        return value is { Id.Length: > 0 };
    }

    private static bool ReadSuccessFlag(ReadOnlyMemory<byte> body, out bool value)
    {
        var flag = GraphResponses.ReadSuccessFlag(body);
        value = flag ?? false;
        return flag.HasValue;
    }
}
