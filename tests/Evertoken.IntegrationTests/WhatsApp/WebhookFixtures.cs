using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.WhatsApp;

/// <summary>The webhook fixtures (copied from shared/reference) and what each one holds, read independently of the library.</summary>
internal static class WebhookFixtures
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp");

    /// <summary>Every POST payload fixture (the verification request is a GET, not a payload).</summary>
    public static TheoryData<string> Payloads()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "webhook.*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!file!.Contains("verification", StringComparison.Ordinal))
            {
                data.Add(file);
            }
        }

        return data;
    }

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static JsonNode Node(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!;

    /// <summary>(kind, type-or-status, id) for each item Meta put in the payload, in order.</summary>
    public static List<(string Kind, string? Type, string? Id)> ExpectedEvents(string name)
    {
        var expected = new List<(string, string?, string?)>();
        foreach (var entry in Node(name)["entry"]!.AsArray())
        {
            foreach (var change in entry!["changes"]?.AsArray() ?? [])
            {
                var field = change!["field"]?.GetValue<string>();
                var value = change["value"] as JsonObject;
                if (field != "messages" || value is null)
                {
                    expected.Add(("Other", null, null));
                    continue;
                }

                var before = expected.Count;
                foreach (var message in value["messages"]?.AsArray() ?? [])
                {
                    expected.Add(("Message", message!["type"]?.GetValue<string>(), message["id"]?.GetValue<string>()));
                }

                foreach (var status in value["statuses"]?.AsArray() ?? [])
                {
                    expected.Add(("Status", status!["status"]?.GetValue<string>(), status["id"]?.GetValue<string>()));
                }

                foreach (var _ in value["errors"]?.AsArray() ?? [])
                {
                    expected.Add(("Error", null, null));
                }

                if (expected.Count == before)
                {
                    expected.Add(("Other", null, null));
                }
            }
        }

        return expected;
    }
}
