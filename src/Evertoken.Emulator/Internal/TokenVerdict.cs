namespace Evertoken.Emulator.Internal;

/// <summary>What the emulator concludes about a token string.</summary>
internal sealed record TokenVerdict
{
    /// <summary>The token's record (also for an invalid but known token); null when the string is unknown.</summary>
    public TokenRecord? Record { get; init; }

    /// <summary>The token's app when known.</summary>
    public EmulatorApp? App { get; init; }

    /// <summary>Why the token is not valid (code 190, the text of <c>debug_token</c>'s <c>data.error</c>); null when valid.</summary>
    public GraphError? Error { get; init; }

    public bool IsValid => Error is null;

    /// <summary>
    /// The error as a top-level envelope. Same as <see cref="Error"/> except for an unknown app id, which Graph reports
    /// at the top level with code 101 (observed: github.com/sns-sdks/python-facebook/issues/271).
    /// </summary>
    public GraphError? TopLevelError => Error is { Message: GraphErrors.CannotGetAppInfoMessage } e ? e with { Code = 101 } : Error;
}
