using System.Text.Json.Serialization;

namespace Evertoken.Sinks.Internal;

/// <summary>The body <see cref="WebhookSink"/> posts.</summary>
internal sealed record TokenRotatedEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("expires_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("value")] string? Value);

/// <summary>A Netlify environment variable as the API returns it.</summary>
internal sealed record NetlifyEnvVar(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("scopes")] List<string>? Scopes,
    [property: JsonPropertyName("values")] List<NetlifyEnvValue>? Values,
    [property: JsonPropertyName("is_secret")] bool IsSecret);

/// <summary>One context's value of a Netlify variable.</summary>
internal sealed record NetlifyEnvValue(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("context")] string? Context,
    [property: JsonPropertyName("context_parameter")] string? ContextParameter);

/// <summary>One element of the array posted to create variables.</summary>
internal sealed record NetlifyNewEnvVar(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("values")] IReadOnlyList<NetlifySetValue> Values,
    [property: JsonPropertyName("is_secret")] bool IsSecret);

/// <summary>The PATCH body that sets one context's value (also a value in a create).</summary>
internal sealed record NetlifySetValue(
    [property: JsonPropertyName("context")] string Context,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("context_parameter")] string? ContextParameter);

/// <summary>The optional body of <c>POST /sites/{site_id}/builds</c>.</summary>
internal sealed record NetlifyBuildRequest([property: JsonPropertyName("clear_cache")] bool ClearCache);

/// <summary>Netlify's error body.</summary>
internal sealed record NetlifyError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("message")] string? Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenRotatedEvent))]
[JsonSerializable(typeof(NetlifyEnvVar))]
[JsonSerializable(typeof(List<NetlifyNewEnvVar>))]
[JsonSerializable(typeof(NetlifySetValue))]
[JsonSerializable(typeof(NetlifyBuildRequest))]
[JsonSerializable(typeof(NetlifyError))]
internal sealed partial class SinkJsonContext : JsonSerializerContext;
