namespace Evertoken.Sinks;

/// <summary>A sink with the name its owner gave it (e.g. <c>netlify-prod</c>), used in statuses and alerts.</summary>
/// <param name="Name">The name, unique among a token's sinks.</param>
/// <param name="Sink">The sink.</param>
public sealed record NamedSink(string Name, ITokenSink Sink)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Sink.Describe})";
}
