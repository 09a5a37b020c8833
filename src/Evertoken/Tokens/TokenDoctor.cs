using System.Globalization;
using Evertoken.Graph;

namespace Evertoken.Tokens;

/// <summary>
/// Diagnoses a token with the Graph API: validity, kind, expiry, permissions, the WhatsApp account and number it
/// reaches, the app secret and the webhook subscription, each with the fix in the words of Meta Business Settings.
/// Graph failures become checks, never exceptions; only caller cancellation throws.
/// </summary>
public sealed class TokenDoctor(GraphClient graph, TimeProvider timeProvider)
{
    private const string Messaging = "whatsapp_business_messaging";
    private const string Management = "whatsapp_business_management";
    private const string BusinessManagement = "business_management";

    /// <summary>Runs every check that the request allows, in setup order.</summary>
    public async Task<Diagnosis> DiagnoseAsync(DoctorRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Token);

        var now = timeProvider.GetUtcNow();
        var checks = new List<DiagnosisCheck>();
        var token = request.Token.Trim();

        // The app secret first: with a right secret the app token is the most reliable debug_token caller,
        // and every later call can carry appsecret_proof.
        string? secret = null;
        if (request.AppId is { Length: > 0 } appId && request.AppSecret is { Length: > 0 } appSecret)
        {
            var appToken = await graph.GetAppTokenAsync(new AppCredentials(appId, appSecret), cancellationToken).ConfigureAwait(false);
            if (appToken.IsSuccess)
            {
                secret = appSecret;
                checks.Add(new(DiagnosisChecks.AppSecret, "App secret is right", CheckOutcome.Pass, $"Meta accepted the secret of app {appId}."));
            }
            else if (appToken.Error.Kind == GraphErrorKind.Transient && appToken.Error.Code == 0)
            {
                return Unreachable(token, now, appToken.Error);
            }
            else
            {
                checks.Add(new(DiagnosisChecks.AppSecret, "App secret is right", CheckOutcome.Fail,
                    $"Meta refused the app id or secret: {appToken.Error.Message}",
                    "Copy the App ID and App secret from the app dashboard: App settings → Basic → App secret (Show). " +
                    "If the secret was reset, every app token made with the old one stopped working.",
                    SetupSteps.AppSettingsPage + appId + "/settings/basic/"));
            }
        }

        var caller = secret is not null ? $"{request.AppId}|{secret}" : token;
        var debug = await graph.DebugTokenAsync(token, caller, secret, cancellationToken).ConfigureAwait(false);
        if (!debug.IsSuccess)
        {
            if (debug.Error.Code == 0 && debug.Error.Kind == GraphErrorKind.Transient)
            {
                return Unreachable(token, now, debug.Error);
            }

            if (debug.Error.Kind is GraphErrorKind.Transient or GraphErrorKind.RateLimited)
            {
                checks.Insert(0, new(DiagnosisChecks.GraphReachable, "Graph API answers", CheckOutcome.Fail,
                    $"Meta could not check the token right now: {debug.Error.Message}", "Try again in a few minutes; this is Meta's side, not your setup."));
                return Done(token, now, checks, null);
            }

            // The token was its own caller and Meta refused it as a caller: it is invalid (or the call itself was wrong).
            var info = new TokenInfo { IsValid = false, Error = debug.Error };
            checks.Add(ValidityCheck(info, now));
            return Done(token, now, checks, info);
        }

        var tokenInfo = debug.Value;
        checks.Add(ValidityCheck(tokenInfo, now));
        if (!tokenInfo.IsValid)
        {
            return Done(token, now, checks, tokenInfo);
        }

        if (request.AppId is { Length: > 0 } expectedApp && tokenInfo.AppId is { } actualApp && actualApp != expectedApp)
        {
            checks.Add(new(DiagnosisChecks.App, "Token belongs to the app", CheckOutcome.Fail,
                $"The token belongs to app {actualApp} ({tokenInfo.Application}), not to app {expectedApp}.",
                "Use a token generated for your app, or set APP_ID to the app the token belongs to."));
        }

        checks.Add(KindCheck(tokenInfo));
        checks.Add(ExpiryCheck(tokenInfo, now, request.ExpiryWarning));
        if (tokenInfo.Kind == TokenKind.User && tokenInfo.DataAccessExpiresAt is { } dataAccess)
        {
            var left = dataAccess - now;
            checks.Add(left < TimeSpan.FromDays(14)
                ? new(DiagnosisChecks.DataAccess, "Data access is current", CheckOutcome.Warn,
                    $"The app's access to this user's data ends on {Date(dataAccess)} ({Humanize(left)} left).",
                    "The user must log in to the app again to renew data access; a system-user token has no such window. " + SetupSteps.CreateSystemUserToken)
                : new(DiagnosisChecks.DataAccess, "Data access is current", CheckOutcome.Pass, $"Data access runs until {Date(dataAccess)}."));
        }

        checks.Add(ScopeCheck(tokenInfo, DiagnosisChecks.ScopeMessaging, Messaging, "needed to send messages", CheckOutcome.Fail));
        checks.Add(ScopeCheck(tokenInfo, DiagnosisChecks.ScopeManagement, Management, "needed to read the phone number, templates and webhook subscriptions", CheckOutcome.Warn));
        if (request.RequireBusinessManagement)
        {
            checks.Add(ScopeCheck(tokenInfo, DiagnosisChecks.ScopeBusiness, BusinessManagement, "needed to manage system users and their tokens through the API", CheckOutcome.Fail));
        }

        if (request.CheckWhatsApp)
        {
            await CheckWhatsAppAsync(request, token, secret, tokenInfo, checks, cancellationToken).ConfigureAwait(false);
        }

        return Done(token, now, checks, tokenInfo);
    }

    private async Task CheckWhatsAppAsync(DoctorRequest request, string token, string? secret, TokenInfo info, List<DiagnosisCheck> checks, CancellationToken ct)
    {
        var targets = info.TargetsOf(Management) ?? info.TargetsOf(Messaging) ?? [];
        var wabaId = request.WabaId is { Length: > 0 } w ? w : targets.Count == 1 ? targets[0] : null;

        if (request.PhoneNumberId is { Length: > 0 } phoneId)
        {
            var phone = await graph.GetPhoneNumberAsync(phoneId, token, secret, ct).ConfigureAwait(false);
            checks.Add(phone.IsSuccess
                ? new(DiagnosisChecks.PhoneNumber, "Phone number is reachable", CheckOutcome.Pass,
                    $"Phone number {phoneId} is {phone.Value.DisplayPhoneNumber} ({phone.Value.VerifiedName}), quality {phone.Value.QualityRating ?? "unknown"}.")
                : new(DiagnosisChecks.PhoneNumber, "Phone number is reachable", CheckOutcome.Fail,
                    $"The token cannot reach phone number {phoneId}: {phone.Error.Message}",
                    phone.Error.Kind == GraphErrorKind.BadAppSecret
                        ? "The app requires appsecret_proof: set APP_ID and APP_SECRET so Evertoken can sign its calls."
                        : "Check WHATSAPP_PHONE_NUMBER_ID (WhatsApp Manager → Phone numbers, or the app's WhatsApp → API Setup page). " + SetupSteps.AssignWaba,
                    SetupSteps.WhatsAppAccountsPage));
        }
        else
        {
            checks.Add(new(DiagnosisChecks.PhoneNumber, "Phone number is reachable", CheckOutcome.Skipped,
                "No phone number id given.", "Set WHATSAPP_PHONE_NUMBER_ID (or pass --phone-number-id) to check that the token can send from it."));
        }

        if (wabaId is null)
        {
            checks.Add(new(DiagnosisChecks.Waba, "WhatsApp account is reachable", CheckOutcome.Skipped,
                targets.Count > 1 ? $"The token reaches {targets.Count} WhatsApp accounts; pass --waba-id to pick one." : "No WhatsApp account id given or found in the token."));
            checks.Add(new(DiagnosisChecks.Webhooks, "App receives webhooks", CheckOutcome.Skipped, "Needs the WhatsApp account id."));
            return;
        }

        var numbers = await graph.ListPhoneNumbersAsync(wabaId, token, secret, ct).ConfigureAwait(false);
        if (!numbers.IsSuccess)
        {
            checks.Add(new(DiagnosisChecks.Waba, "WhatsApp account is reachable", CheckOutcome.Fail,
                $"The token cannot read WhatsApp account {wabaId}: {numbers.Error.Message}", SetupSteps.AssignWaba, SetupSteps.WhatsAppAccountsPage));
            checks.Add(new(DiagnosisChecks.Webhooks, "App receives webhooks", CheckOutcome.Skipped, "Needs access to the WhatsApp account."));
            return;
        }

        var list = numbers.Value;
        var owns = request.PhoneNumberId is not { Length: > 0 } id || list.Any(n => n.Id == id);
        checks.Add(owns
            ? new(DiagnosisChecks.Waba, "WhatsApp account is reachable", CheckOutcome.Pass,
                $"WhatsApp account {wabaId} has {list.Count} phone number(s): {string.Join(", ", list.Select(n => n.DisplayPhoneNumber))}.")
            : new(DiagnosisChecks.Waba, "WhatsApp account is reachable", CheckOutcome.Warn,
                $"WhatsApp account {wabaId} does not list phone number {request.PhoneNumberId}.",
                "Check that WHATSAPP_PHONE_NUMBER_ID belongs to this account (WhatsApp Manager → Phone numbers).", SetupSteps.WhatsAppAccountsPage));

        var apps = await graph.GetSubscribedAppsAsync(wabaId, token, secret, ct).ConfigureAwait(false);
        if (!apps.IsSuccess)
        {
            checks.Add(new(DiagnosisChecks.Webhooks, "App receives webhooks", CheckOutcome.Warn,
                $"Could not read the webhook subscriptions of account {wabaId}: {apps.Error.Message}"));
        }
        else if (request.AppId is { Length: > 0 } appId ? apps.Value.Any(a => a.Id == appId) : info.AppId is { } tokenApp && apps.Value.Any(a => a.Id == tokenApp))
        {
            checks.Add(new(DiagnosisChecks.Webhooks, "App receives webhooks", CheckOutcome.Pass, $"The app is subscribed to account {wabaId}'s webhooks."));
        }
        else
        {
            checks.Add(new(DiagnosisChecks.Webhooks, "App receives webhooks", CheckOutcome.Warn,
                $"The app is not subscribed to account {wabaId}'s webhooks, so replies and delivery statuses will not reach it.",
                $"Subscribe the app: POST /{wabaId}/subscribed_apps with this token (the app dashboard's WhatsApp → Configuration → Webhooks does the same)."));
        }
    }

    private static DiagnosisCheck ValidityCheck(TokenInfo info, DateTimeOffset now)
    {
        const string Title = "Token is valid";
        if (info.IsValid)
        {
            return new(DiagnosisChecks.Valid, Title, CheckOutcome.Pass, $"Meta accepts the token ({KindName(info.Kind)} of app {info.Application ?? info.AppId}).");
        }

        var error = info.Error;
        var message = error?.Message ?? "Meta says the token is not valid.";
        var (summary, fix) = (error?.Code, error?.Subcode) switch
        {
            (190, 463) => (
                info.ExpiresAt is { } e ? $"The token expired on {Date(e)} ({Humanize(now - e)} ago)." : "The token has expired.",
                (info.Kind == TokenKind.SystemUser
                    ? "A 60-day system-user token that was not refreshed in time is lost; generate a new one. "
                    : "Tokens from the API Setup page and Graph Explorer last one to 24 hours. ") + SetupSteps.CreateSystemUserToken),
            (190, 460) => ("The token was invalidated: the user changed their password, or Meta reset the session for security reasons.",
                "Generate a new token. A system-user token does not depend on a person's password: " + SetupSteps.CreateSystemUserToken),
            (190, 466) => ("The token was revoked explicitly (through the API, or its system user or app access was removed).",
                "Generate a new token for the system user (Business Settings → Users → System users → Generate new token)."),
            (190, 467) => ("The token is no longer valid: the user logged out, or it was revoked.", SetupSteps.CreateSystemUserToken),
            (190, 458) => ("The user or system user has not authorised the app.",
                "Business Settings → Users → System users → select the system user → Assign assets → Apps → your app, Full control; then generate a new token."),
            _ when message.Contains("parse", StringComparison.OrdinalIgnoreCase) => ("This is not a Meta access token: Meta cannot parse it.",
                "Copy the whole token again, without quotes, spaces or line breaks. Meta tokens start with EAA."),
            _ when message.Contains("decrypt", StringComparison.OrdinalIgnoreCase) => ("Meta does not recognise this token: it is truncated, made up, or belongs to another environment.",
                "Copy the whole token again from where it was generated, or generate a new one."),
            _ when message.Contains("signature", StringComparison.OrdinalIgnoreCase) => ("This app token's secret is wrong.",
                "An app token is {app-id}|{app-secret}: use the current App secret from App settings → Basic."),
            _ => ($"Meta says the token is not valid: {message}", "Generate a new token. " + SetupSteps.CreateSystemUserToken),
        };
        return new(DiagnosisChecks.Valid, Title, CheckOutcome.Fail, summary, fix, SetupSteps.SystemUsersPage);
    }

    private static DiagnosisCheck KindCheck(TokenInfo info)
    {
        const string Title = "Token is a system-user token";
        return info.Kind switch
        {
            TokenKind.SystemUser => new(DiagnosisChecks.Kind, Title, CheckOutcome.Pass, $"A SYSTEM_USER token (system user {info.UserId})."),
            TokenKind.User => new(DiagnosisChecks.Kind, Title, CheckOutcome.Warn,
                "A USER token: it belongs to a person and dies with their session (the API Setup page's token lasts hours; exchanged ones 60 days).",
                SetupSteps.CreateSystemUserToken, SetupSteps.SystemUsersPage),
            TokenKind.App => new(DiagnosisChecks.Kind, Title, CheckOutcome.Fail,
                "An APP token: it identifies the app, but cannot send WhatsApp messages.", SetupSteps.CreateSystemUserToken, SetupSteps.SystemUsersPage),
            TokenKind.Page => new(DiagnosisChecks.Kind, Title, CheckOutcome.Warn,
                "A PAGE token: the WhatsApp Cloud API expects a system-user (or business) token.", SetupSteps.CreateSystemUserToken, SetupSteps.SystemUsersPage),
            _ => new(DiagnosisChecks.Kind, Title, CheckOutcome.Warn, "Meta did not say what kind of token this is."),
        };
    }

    private static DiagnosisCheck ExpiryCheck(TokenInfo info, DateTimeOffset now, TimeSpan warning)
    {
        const string Title = "Token does not expire soon";
        if (info.ExpiresAt is not { } expires)
        {
            return new(DiagnosisChecks.Expiry, Title, CheckOutcome.Pass,
                info.Kind == TokenKind.App ? "App tokens do not expire until the app secret is reset." : "The token never expires.",
                info.Kind == TokenKind.SystemUser
                    ? "Nothing to do. Meta steers businesses to 60-day tokens; Evertoken renews those automatically if you switch."
                    : null);
        }

        var left = expires - now;
        if (left <= TimeSpan.Zero)
        {
            return new(DiagnosisChecks.Expiry, Title, CheckOutcome.Fail, $"The token expired on {Date(expires)}.", SetupSteps.CreateSystemUserToken, SetupSteps.SystemUsersPage);
        }

        if (left <= warning)
        {
            var fix = info.Kind switch
            {
                TokenKind.User when left < TimeSpan.FromDays(1) =>
                    "Exchange it now for a 60-day token (`evertoken exchange`), and move to a system-user token. " + SetupSteps.CreateSystemUserToken,
                TokenKind.User => "Renew it (`evertoken exchange`) or move to a system-user token. " + SetupSteps.CreateSystemUserToken,
                TokenKind.SystemUser => "Refresh it before it expires (`evertoken token rotate`), or let `evertoken serve` do it. " + SetupSteps.ManageWithEvertoken,
                _ => SetupSteps.ManageWithEvertoken,
            };
            return new(DiagnosisChecks.Expiry, Title, CheckOutcome.Warn, $"The token expires on {Date(expires)}: {Humanize(left)} left.", fix);
        }

        return new(DiagnosisChecks.Expiry, Title, CheckOutcome.Pass, $"The token expires on {Date(expires)} ({Humanize(left)} left).",
            info.Kind == TokenKind.SystemUser ? "A 60-day token must be refreshed before it ends. " + SetupSteps.ManageWithEvertoken : null);
    }

    private static DiagnosisCheck ScopeCheck(TokenInfo info, string id, string scope, string why, CheckOutcome whenMissing) =>
        info.HasScope(scope)
            ? new(id, $"Permission {scope}", CheckOutcome.Pass,
                info.TargetsOf(scope) is { } t ? $"Granted for {string.Join(", ", t)}." : "Granted.")
            : new(id, $"Permission {scope}", whenMissing, $"The token lacks {scope}, {why}.", SetupSteps.AddPermissions, SetupSteps.SystemUsersPage);

    private static Diagnosis Unreachable(string token, DateTimeOffset now, GraphError error) => new()
    {
        Checks = [new(DiagnosisChecks.GraphReachable, "Graph API answers", CheckOutcome.Fail, error.Message,
            "Check the network and the Graph URL (--graph-url / EVERTOKEN__GRAPH__BASEURL).")],
        Fingerprint = TokenFingerprint.Of(token),
        CheckedAt = now,
    };

    private static Diagnosis Done(string token, DateTimeOffset now, List<DiagnosisCheck> checks, TokenInfo? info) =>
        new() { Checks = checks, Info = info, Fingerprint = TokenFingerprint.Of(token), CheckedAt = now };

    private static string KindName(TokenKind kind) => kind switch
    {
        TokenKind.SystemUser => "SYSTEM_USER token",
        TokenKind.User => "USER token",
        TokenKind.Page => "PAGE token",
        TokenKind.App => "APP token",
        _ => "token",
    };

    internal static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    internal static string Humanize(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalDays >= 2 ? $"{(int)span.TotalDays} days"
            : span.TotalHours >= 2 ? $"{(int)span.TotalHours} hours"
            : span.TotalMinutes >= 2 ? $"{(int)span.TotalMinutes} minutes"
            : $"{(int)span.TotalSeconds} seconds";
    }
}
