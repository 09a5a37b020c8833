using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Emulator;

/// <summary>The reference fixtures copied to the output folder, and shape comparisons against them.</summary>
internal static class Fixture
{
    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath)))!.AsObject();

    /// <summary>The keys of an object, in order.</summary>
    public static IReadOnlyList<string> Keys(JsonObject obj) => [.. obj.Select(p => p.Key)];

    /// <summary>Asserts that <paramref name="actual"/> has exactly the fixture's keys, in the fixture's order, at every object level.</summary>
    public static void ShouldHaveSameShape(this JsonNode actual, JsonNode fixture, string where = "$")
    {
        switch (fixture)
        {
            case JsonObject expectedObject:
                var actualObject = actual.ShouldBeOfType<JsonObject>($"{where} should be an object");
                Keys(actualObject).ShouldBe(Keys(expectedObject), $"keys at {where}");
                foreach (var (key, value) in expectedObject)
                {
                    if (value is JsonObject or JsonArray)
                    {
                        actualObject[key]!.ShouldHaveSameShape(value, $"{where}.{key}");
                    }
                }

                break;
            case JsonArray expectedArray when expectedArray.Count > 0 && expectedArray[0] is JsonObject first:
                var actualArray = actual.ShouldBeOfType<JsonArray>($"{where} should be an array");
                actualArray.Count.ShouldBeGreaterThan(0, $"{where} should not be empty");
                actualArray[0]!.ShouldHaveSameShape(first, $"{where}[0]");
                break;
        }
    }
}
