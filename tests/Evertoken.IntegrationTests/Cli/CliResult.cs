using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>What one CLI run produced: the exit code, standard output and standard error.</summary>
internal sealed class CliResult(IReadOnlyList<string> args, int exitCode, string output, string error)
{
    /// <summary>The arguments the CLI was run with.</summary>
    public IReadOnlyList<string> Args { get; } = args;

    public int ExitCode { get; } = exitCode;

    public string Out { get; } = output;

    public string Error { get; } = error;

    /// <summary>Values this run was allowed to print on standard output (a new token, a revealed one).</summary>
    public HashSet<string> AllowedOnStdout { get; } = new(StringComparer.Ordinal);

    /// <summary>Standard output parsed as JSON (for <c>--json</c> runs).</summary>
    public JsonNode Json => JsonNode.Parse(Out) ?? throw new InvalidOperationException("Standard output is JSON null.");

    /// <summary>Standard output and standard error together.</summary>
    public string All => Out + "\n" + Error;

    /// <summary>Asserts the exit code, showing the whole run when it differs.</summary>
    public CliResult ShouldExitWith(int expected)
    {
        ExitCode.ShouldBe(expected, ToString());
        return this;
    }

    /// <summary>The check with this id in a doctor/inspect JSON report.</summary>
    public JsonObject Check(string id) =>
        Json["checks"]!.AsArray().Select(c => c!.AsObject()).SingleOrDefault(c => (string?)c["id"] == id)
        ?? throw new ShouldAssertException($"No check '{id}' in:\n{this}");

    /// <summary>The outcome word of a check (<c>pass</c>, <c>warn</c>, <c>fail</c>, <c>skipped</c>).</summary>
    public string Outcome(string id) => (string)Check(id)["outcome"]!;

    public override string ToString() =>
        $"evertoken {string.Join(' ', Args)}\nexit code {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
