using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.Graph.Internal;

/// <summary>
/// Source-generated System.Text.Json metadata for every Graph shape the client reads. Lenient where Meta is:
/// trailing commas (the documented oauth/revoke sample is <c>{"success":"true",}</c>) and numbers sent as strings.
/// </summary>
[JsonSourceGenerationOptions(
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DebugTokenResponse))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(GraphErrorEnvelope))]
[JsonSerializable(typeof(PhoneNumberInfo))]
[JsonSerializable(typeof(GraphPage<PhoneNumberInfo>))]
[JsonSerializable(typeof(GraphPage<SystemUserInfo>))]
[JsonSerializable(typeof(GraphPage<SubscribedAppEntry>))]
[JsonSerializable(typeof(GraphProfile))]
[JsonSerializable(typeof(AppUsage))]
[JsonSerializable(typeof(Dictionary<string, List<BusinessUseCaseUsage>>))]
internal sealed partial class GraphJsonContext : JsonSerializerContext
{
}
