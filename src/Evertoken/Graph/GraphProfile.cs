using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>Who a token speaks for, as <c>GET /me</c> answers: the user, system user or Page behind it.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Name">The node's name, when Meta returns one.</param>
public sealed record GraphProfile(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name);
