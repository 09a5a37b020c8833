using Evertoken.Alerts;
using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Hosting;

/// <summary>Turns token events into alerts: one per state change (the manager de-duplicates), and a recovery when it clears.</summary>
internal sealed class AlertObserver(AlertManager alerts) : ITokenObserver
{
    public async Task OnRotatedAsync(ManagedToken token, TokenVersion previous, CancellationToken cancellationToken)
    {
        await alerts.ResolveAsync(AlertKind.RefreshFailed, token.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        await alerts.ResolveAsync(AlertKind.ExpiringSoon, token.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        await alerts.ResolveAsync(AlertKind.Invalidated, token.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public Task OnRefreshFailedAsync(ManagedToken token, GraphError error, CancellationToken cancellationToken)
    {
        var cause = error.IsRetryable ? AlertCause.Outage : AlertCause.Credential;
        var detail = cause == AlertCause.Outage
            ? $"Renewing failed because Meta is unavailable ({error.Message}); the current version keeps being served and the renewal is retried with backoff."
            : $"Renewing failed: {error.Message} (Graph code {error.Code}). This needs a fix in the setup; retrying will not help.";
        return alerts.RaiseAsync(AlertKind.RefreshFailed, token.Name, cause, detail, cancellationToken: cancellationToken);
    }

    public async Task OnCheckedAsync(ManagedToken token, TokenStatus previousStatus, TokenCheckOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome.Status)
        {
            case TokenStatus.Invalid or TokenStatus.Expired:
                await alerts.RaiseAsync(AlertKind.Invalidated, token.Name, AlertCause.Credential,
                    $"Meta says the token is {(outcome.Status == TokenStatus.Expired ? "expired" : "invalid")}: {outcome.Error?.Message ?? "no reason given"}. Generate a new token and add it.",
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case TokenStatus.ExpiringSoon:
                await alerts.RaiseAsync(AlertKind.ExpiringSoon, token.Name, AlertCause.None,
                    $"The token expires on {token.Current.Data.ExpiresAt:u} and has not been renewed yet.", cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case TokenStatus.Healthy:
                await alerts.ResolveAsync(AlertKind.Invalidated, token.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                await alerts.ResolveAsync(AlertKind.ExpiringSoon, token.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
