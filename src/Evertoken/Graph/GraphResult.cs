using System.Diagnostics.CodeAnalysis;

namespace Evertoken.Graph;

/// <summary>
/// The outcome of a Graph call: either a value or a <see cref="GraphError"/>. Meta's expected failures
/// (expired, revoked, missing permission, rate limited, outage) come back as values; bugs and
/// misconfiguration (null arguments, a disposed client) throw.
/// </summary>
public sealed class GraphResult<T>
{
    private readonly T? _value;

    private GraphResult(T? value, GraphError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The rate-limit usage Meta reported with this answer (<c>X-App-Usage</c>,
    /// <c>X-Business-Use-Case-Usage</c>); null when it sent none or there was no answer.</summary>
    public GraphUsage? Usage { get; private init; }

    /// <summary>The error, when the call failed.</summary>
    public GraphError? Error { get; }

    /// <summary>True when the call succeeded and <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws <see cref="InvalidOperationException"/> when the call failed.</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"The Graph call failed: {Error}");

    /// <summary>A successful result.</summary>
    public static GraphResult<T> Success(T value) => new(value, null);

    /// <summary>A failed result.</summary>
    public static GraphResult<T> Failure(GraphError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Tries to get the value.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value)
    {
        value = _value;
        return IsSuccess;
    }

    /// <summary>Maps the value, keeping the error.</summary>
    public GraphResult<TOut> Map<TOut>(Func<T, TOut> map) =>
        (IsSuccess ? GraphResult<TOut>.Success(map(_value!)) : GraphResult<TOut>.Failure(Error)).WithUsage(Usage);

    /// <summary>The same outcome carrying <paramref name="usage"/>.</summary>
    internal GraphResult<T> WithUsage(GraphUsage? usage) =>
        usage is null || ReferenceEquals(usage, Usage) ? this : new(_value, Error) { Usage = usage };

    /// <summary>Lets a value be returned where a result is expected.</summary>
    public static implicit operator GraphResult<T>(T value) => Success(value);

    /// <summary>Lets a failure be returned where a result is expected.</summary>
    public static implicit operator GraphResult<T>(GraphError error) => Failure(error);

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Success({typeof(T).Name})" : $"Failure({Error})";
}
