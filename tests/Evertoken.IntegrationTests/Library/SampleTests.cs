using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// The samples run as a person runs them (<c>dotnet Sample.dll</c> in its output folder, configured through environment
/// variables) against the emulator. The test project references them so they are built first.
/// </summary>
public sealed partial class SampleTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_minimal_API_sample_returns_the_phone_number_through_the_token_handler()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var app = StartSample("samples/MinimalApi", "Evertoken.Samples.MinimalApi.dll", emu, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>());

        var output = await app.WaitForOutputAsync("Now listening on: ", StartDeadline);
        var address = ListeningAddress().Match(output).Groups["url"].Value;
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync($"phone-numbers/{emu.Sample.PhoneNumberId}", TestContext.Current.CancellationToken);

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        body["id"]!.GetValue<string>().ShouldBe(emu.Sample.PhoneNumberId);
        body["display_phone_number"]!.GetValue<string>().ShouldBe(emu.Sample.DisplayPhoneNumber);
        emu.Calls.ShouldContain(c => c.Path == "/" + emu.Sample.PhoneNumberId && c.Status == 200 && c.TokenTransport == "bearer");
    }

    [Fact]
    public async Task The_minimal_API_sample_receives_a_signed_webhook_and_its_handler_logs_the_message()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var data = new TempFolder();
        using var app = StartSample("samples/MinimalApi", "Evertoken.Samples.MinimalApi.dll", emu, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["DataFolder"] = data.Path,
        });
        var output = await app.WaitForOutputAsync("Now listening on: ", StartDeadline);
        using var http = new HttpClient { BaseAddress = new Uri(ListeningAddress().Match(output).Groups["url"].Value), Timeout = TimeSpan.FromSeconds(60) };
        var body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp", "webhook.message.text-message.json"));

        using var unsigned = new ByteArrayContent(body);
        using var refused = await http.PostAsync("webhooks/whatsapp", unsigned, TestContext.Current.CancellationToken);
        using var signed = new ByteArrayContent(body);
        signed.Headers.Add(Evertoken.WhatsApp.WebhookSignature.HeaderName, Evertoken.WhatsApp.WebhookSignature.Sign(body, emu.Sample.AppSecret));
        using var accepted = await http.PostAsync("webhooks/whatsapp", signed, TestContext.Current.CancellationToken);

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.WaitForOutputAsync("Received a text message from ", StartDeadline);
        File.Exists(Path.Combine(data.Path, "webhooks.db")).ShouldBeTrue();
    }

    [Fact]
    public async Task The_worker_sample_reads_the_phone_number_on_schedule()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var worker = StartSample("samples/Worker", "Evertoken.Samples.Worker.dll", emu, [], new Dictionary<string, string>
        {
            ["Watcher__PhoneNumberId"] = emu.Sample.PhoneNumberId,
            ["Watcher__Interval"] = "00:00:00.200",
        });

        // Two rounds: the schedule goes on after the first success.
        var expected = $"Phone number {emu.Sample.PhoneNumberId} is reachable: {emu.Sample.DisplayPhoneNumber}";
        await worker.WaitForOutputAsync(expected, StartDeadline);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (Regex.Count(worker.Output, Regex.Escape(expected)) < 2 && deadline.Elapsed < StartDeadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Regex.Count(worker.Output, Regex.Escape(expected)).ShouldBeGreaterThanOrEqualTo(2, worker.Output);
        emu.Calls.Count(c => c.Path == "/" + emu.Sample.PhoneNumberId && c.Status == 200).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task A_sample_without_a_token_stops_at_start_and_says_what_is_missing()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var app = StartSample("samples/MinimalApi", "Evertoken.Samples.MinimalApi.dll", emu, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["Tokens__0__Token"] = "",
            ["Tokens__0__AppSecret"] = "",
            ["Graph__BaseUrl"] = "not a url",
        });

        var exit = await app.WaitForExitAsync(StartDeadline);

        exit.ShouldNotBe(0);
        app.Output.ShouldSatisfyAllConditions(
            () => app.Output.ShouldContain("Token 'main': set Token or ImportFromDotEnv."),
            () => app.Output.ShouldContain("Graph.BaseUrl must be an absolute http(s) URL."));
    }

    private static ChildProcess StartSample(string folder, string dll, EmulatorHost emu, string[] args, IReadOnlyDictionary<string, string> extra)
    {
        var output = RepoPaths.OutputOf(folder);
        var path = Path.Combine(output, dll);
        File.Exists(path).ShouldBeTrue($"{path} is missing: build the solution (or tests/Evertoken.IntegrationTests) first.");
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Graph__BaseUrl"] = emu.BaseUrl.ToString(),
            ["Tokens__0__Token"] = emu.Sample.SystemUserToken60Days,
            ["Tokens__0__AppId"] = emu.Sample.AppId,
            ["Tokens__0__AppSecret"] = emu.Sample.AppSecret,
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return ChildProcess.Start(ChildProcess.DotnetHost, [path, .. args], output, environment);
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://[^\s]+)")]
    private static partial Regex ListeningAddress();
}
