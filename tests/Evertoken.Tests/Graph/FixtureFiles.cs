namespace Evertoken.Tests.Graph;

/// <summary>The JSON fixtures copied from shared/reference into the test output folder.</summary>
internal static class FixtureFiles
{
    public static string GraphFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "graph");

    public static string WhatsAppFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp");

    /// <summary>The file names of every <c>*.json</c> under Fixtures/graph.</summary>
    public static IEnumerable<string> GraphJsonFiles() =>
        Directory.EnumerateFiles(GraphFolder, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>The file names of Fixtures/whatsapp files matching <paramref name="pattern"/>.</summary>
    public static IEnumerable<string> WhatsAppFiles(string pattern) =>
        Directory.EnumerateFiles(WhatsAppFolder, pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Graph(string fileName) => File.ReadAllText(Path.Combine(GraphFolder, fileName));

    public static string WhatsApp(string fileName) => File.ReadAllText(Path.Combine(WhatsAppFolder, fileName));
}
