using System.Text.Json.Nodes;

namespace Evertoken.Tests.WhatsApp;

/// <summary>The WhatsApp fixtures copied from shared/reference into the test output folder.</summary>
internal static class WhatsAppFixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp");

    public static IEnumerable<string> Names(string prefix) =>
        Directory.EnumerateFiles(Folder, prefix + "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));

    public static JsonNode Node(string name) => JsonNode.Parse(Text(name))!;
}
