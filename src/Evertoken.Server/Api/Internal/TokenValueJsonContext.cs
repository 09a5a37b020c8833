using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.Server.Api.Internal;

/// <summary>
/// The value read's answer, source-generated with the same settings the API's JSON options use (web defaults, so
/// camelCase names; nulls left out), so the lean path and the endpoint answer byte for byte alike.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenValueView))]
internal sealed partial class TokenValueJsonContext : JsonSerializerContext;
