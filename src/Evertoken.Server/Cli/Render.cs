using Evertoken.Tokens;
using Spectre.Console;

namespace Evertoken.Server.Cli;

/// <summary>Shared console rendering: outcome words with colours (readable without colour too), dates, durations.</summary>
internal static class Render
{
    public static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "[green]PASS[/]",
        CheckOutcome.Warn => "[yellow]WARN[/]",
        CheckOutcome.Fail => "[red]FAIL[/]",
        _ => "[grey]SKIP[/]",
    };

    public static string Verdict(DiagnosisVerdict verdict) => verdict switch
    {
        DiagnosisVerdict.Healthy => "[green]Healthy[/]",
        DiagnosisVerdict.NeedsAttention => "[yellow]Needs attention[/]",
        DiagnosisVerdict.TokenUnusable => "[red]Token invalid or expired[/]",
        _ => "[red]Could not check[/]",
    };

    public static string Kind(TokenKind kind) => kind switch
    {
        TokenKind.SystemUser => "SYSTEM_USER",
        TokenKind.User => "USER",
        TokenKind.Page => "PAGE",
        TokenKind.App => "APP",
        _ => "unknown",
    };

    public static string Expiry(TokenInfo info, DateTimeOffset now) =>
        info.ExpiresAt is { } e
            ? e <= now ? $"{TokenDoctor.Date(e)} (expired {TokenDoctor.Humanize(now - e)} ago)" : $"{TokenDoctor.Date(e)} (in {TokenDoctor.Humanize(e - now)})"
            : info.IsValid ? "never" : "unknown";

    public static string Esc(string? text) => Markup.Escape(text ?? "");

    public static void Checks(IAnsiConsole console, Diagnosis diagnosis)
    {
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Result");
        table.AddColumn("Check");
        table.AddColumn("What we saw / what to do");
        foreach (var check in diagnosis.Checks)
        {
            var text = Esc(check.Summary);
            if (check.Fix is not null && check.Outcome is not CheckOutcome.Pass)
            {
                text += "\n[bold]Fix:[/] " + Esc(check.Fix);
            }

            if (check.Link is not null && check.Outcome is CheckOutcome.Warn or CheckOutcome.Fail)
            {
                text += "\n" + Esc(check.Link);
            }

            table.AddRow(Outcome(check.Outcome), Esc(check.Title), text);
        }

        console.Write(table);
        console.MarkupLine($"Verdict: {Verdict(diagnosis.Verdict)}");
    }
}
