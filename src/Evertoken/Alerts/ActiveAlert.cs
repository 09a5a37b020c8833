namespace Evertoken.Alerts;

/// <summary>
/// A problem that is still open: the <see cref="AlertManager"/> has announced it and not yet seen it recover.
/// <see cref="Detail"/> is in words and never holds a secret.
/// </summary>
/// <param name="TokenName">The managed token concerned.</param>
/// <param name="Kind">What it is about (never <see cref="AlertKind.Recovered"/>).</param>
/// <param name="Sink">The sink concerned, for <see cref="AlertKind.SinkFailed"/>; otherwise null.</param>
/// <param name="Cause">Whose problem it is.</param>
/// <param name="Detail">The latest reported detail.</param>
/// <param name="Since">When the problem was first reported.</param>
/// <param name="LastAnnouncedAt">When an alert or reminder about it was last sent.</param>
public sealed record ActiveAlert(
    string TokenName,
    AlertKind Kind,
    string? Sink,
    AlertCause Cause,
    string Detail,
    DateTimeOffset Since,
    DateTimeOffset LastAnnouncedAt);
