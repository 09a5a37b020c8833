using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.Tokens;

namespace Evertoken.Storage.Internal;

/// <summary>How the stores write <see cref="TokenInfo"/> (the last debug_token facts) as JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenInfo))]
internal sealed partial class StorageJson : JsonSerializerContext
{
    public static string? Serialize(TokenInfo? info) => info is null ? null : JsonSerializer.Serialize(info, Default.TokenInfo);

    public static TokenInfo? Deserialize(string? json) => json is null ? null : JsonSerializer.Deserialize(json, Default.TokenInfo);
}
