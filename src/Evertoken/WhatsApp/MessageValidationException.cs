namespace Evertoken.WhatsApp;

/// <summary>
/// Thrown by <see cref="CloudApiClient.SendAsync"/> when a message breaks Meta's documented rules before it is sent
/// (see <see cref="MessageValidator"/>). It is a bug in the caller's input, not one of Meta's answers, so it is an
/// exception rather than a failed result. <see cref="Problems"/> lists every problem found, not just the first.
/// </summary>
public sealed class MessageValidationException : ArgumentException
{
    /// <summary>Creates the exception from the validator's problems.</summary>
    public MessageValidationException(IReadOnlyList<string> problems)
        : base(BuildMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with a single problem.</summary>
    public MessageValidationException(string problem)
        : this([problem])
    {
    }

    /// <summary>Creates the exception with the standard message.</summary>
    public MessageValidationException()
        : this("The message is not valid.")
    {
    }

    /// <summary>Every problem found, each naming the JSON path it concerns.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string BuildMessage(IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? "The WhatsApp message is not valid: " + problems[0]
            : $"The WhatsApp message has {problems.Count} problems:" + string.Concat(problems.Select(p => Environment.NewLine + "- " + p));
}
