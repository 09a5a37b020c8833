using System.Globalization;

namespace Evertoken.Alerts.Internal;

/// <summary>
/// Builds the words of an alert. Each problem message ends by saying whose move it is: a credential problem
/// (fix your setup, retrying will not help) or an outage (we keep retrying).
/// </summary>
internal static class AlertMessages
{
    public static string Problem(ActiveAlert state)
    {
        var what = state.Kind switch
        {
            AlertKind.SinkFailed => $"Token '{state.TokenName}' could not be pushed to sink '{state.Sink}': {state.Detail}",
            AlertKind.RefreshFailed => $"Token '{state.TokenName}' could not be refreshed: {state.Detail}",
            AlertKind.Invalidated => $"Token '{state.TokenName}' is no longer valid: {state.Detail}",
            AlertKind.ExpiringSoon => $"Token '{state.TokenName}' expires soon and has not been renewed: {state.Detail}",
            _ => $"Token '{state.TokenName}': {state.Detail}",
        };

        return $"{EndSentence(what)} {Advice(state.Kind, state.Cause)}";
    }

    public static string Reminder(ActiveAlert state) =>
        $"Reminder, still unresolved since {Format(state.Since)}: {Problem(state)}";

    public static string Recovered(ActiveAlert state) => state.Kind switch
    {
        AlertKind.SinkFailed =>
            $"Recovered: sink '{state.Sink}' accepted token '{state.TokenName}' again (it had been failing since {Format(state.Since)}).",
        AlertKind.RefreshFailed =>
            $"Recovered: token '{state.TokenName}' was refreshed again (refreshes had been failing since {Format(state.Since)}).",
        AlertKind.Invalidated =>
            $"Recovered: token '{state.TokenName}' is valid again (it had been invalid since {Format(state.Since)}).",
        AlertKind.ExpiringSoon =>
            $"Recovered: token '{state.TokenName}' has been renewed (it had been close to expiry since {Format(state.Since)}).",
        _ => $"Recovered: token '{state.TokenName}' works again (since {Format(state.Since)}).",
    };

    private static string Advice(AlertKind kind, AlertCause cause) => cause switch
    {
        AlertCause.Credential when kind == AlertKind.SinkFailed =>
            "This is a setup problem: fix the sink's configuration or credentials; retrying will not help.",
        AlertCause.Credential =>
            "This is a credential problem: fix your setup (the token, the app secret or the permissions); retrying will not help.",
        AlertCause.Outage when kind == AlertKind.SinkFailed =>
            "This looks like an outage or throttling on the sink's side; Evertoken keeps retrying.",
        AlertCause.Outage =>
            "This looks like an outage or throttling at Meta; Evertoken keeps retrying.",
        _ => "Check the token in the dashboard.",
    };

    private static string EndSentence(string text) =>
        text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";

    private static string Format(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
