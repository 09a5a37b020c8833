using System.Text.Json;
using Evertoken.Sinks;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.Sinks;

public sealed class SinkFactoryTests
{
    private sealed class NoNetwork : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new ThrowingHandler());

        private sealed class ThrowingHandler : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                throw new InvalidOperationException("No HTTP call is expected in this test.");
        }
    }

    private static SinkFactory CreateSut() => new(new NoNetwork(), new FakeTimeProvider());

    [Fact]
    public void Each_type_builds_its_sink_with_a_description_free_of_secrets()
    {
        var sut = CreateSut();

        var dotenv = sut.Create(new SinkDefinition { Name = "env", Type = "dotenv", Settings = new Dictionary<string, string> { ["path"] = "/srv/app/.env" } });
        var netlify = sut.Create(new SinkDefinition
        {
            Name = "netlify-prod",
            Type = "netlify",
            Settings = new Dictionary<string, string> { ["account_id"] = "acc", ["site_id"] = "site", ["redeploy"] = "build-hook" },
            Secrets = new Dictionary<string, string> { ["access_token"] = "nfp_SECRET", ["build_hook_url"] = "https://api.netlify.com/build_hooks/HOOKSECRET" },
        });
        var webhook = sut.Create(new SinkDefinition
        {
            Name = "hook",
            Type = "webhook",
            Settings = new Dictionary<string, string> { ["url"] = "https://user:pw@app.example/hooks/token?key=q", ["include_value"] = "true" },
            Secrets = new Dictionary<string, string> { ["secret"] = "hmac" },
        });

        dotenv.Sink.ShouldBeOfType<DotEnvFileSink>().Describe.ShouldBe("dotenv:/srv/app/.env");
        netlify.Sink.ShouldBeOfType<NetlifyEnvSink>().Describe.ShouldBe("netlify:acc/site/WHATSAPP_ACCESS_TOKEN@production");
        webhook.Sink.ShouldBeOfType<WebhookSink>().Describe.ShouldBe("webhook:https://app.example/hooks/token");
        netlify.Name.ShouldBe("netlify-prod");
    }

    [Fact]
    public void A_bad_definition_lists_every_problem_and_never_a_secret_value()
    {
        var definition = new SinkDefinition
        {
            Name = "netlify-prod",
            Type = "netlify",
            Settings = new Dictionary<string, string> { ["access_token"] = "nfp_LEAKED", ["context"] = "prod", ["redeploy"] = "sometimes" },
            Secrets = new Dictionary<string, string> { ["build_hook_url"] = "not a url nfp_HOOK" },
        };

        var ex = Should.Throw<ArgumentException>(() => CreateSut().Create(definition));

        ex.Message.ShouldContain("'access_token' is a secret");
        ex.Message.ShouldContain("account (team) id");
        ex.Message.ShouldContain("'prod' is not a Netlify deploy context");
        ex.Message.ShouldContain("'redeploy' must be");
        ex.Message.ShouldContain("'build_hook_url' is not an absolute URL");
        ex.Message.ShouldNotContain("nfp_LEAKED");
        ex.Message.ShouldNotContain("nfp_HOOK");
    }

    [Fact]
    public void An_unknown_type_is_rejected() =>
        Should.Throw<ArgumentException>(() => CreateSut().Create(new SinkDefinition { Name = "x", Type = "ftp" }))
            .Message.ShouldContain("'ftp' is not a sink type");

    [Fact]
    public void A_definition_round_trips_through_json_and_its_ToString_hides_secrets()
    {
        var definition = new SinkDefinition
        {
            Name = "hook",
            Type = "webhook",
            Settings = new Dictionary<string, string> { ["url"] = "https://app.example/hook" },
            Secrets = new Dictionary<string, string> { ["secret"] = "hmac-secret-value" },
        };

        var json = JsonSerializer.Serialize(definition);
        var back = JsonSerializer.Deserialize<SinkDefinition>(json)!;

        json.ShouldContain("\"secrets\":{\"secret\":\"hmac-secret-value\"}");
        back.Settings["url"].ShouldBe("https://app.example/hook");
        back.Secrets["secret"].ShouldBe("hmac-secret-value");
        definition.ToString().ShouldContain("secrets: [secret]");
        definition.ToString().ShouldNotContain("hmac-secret-value");
    }
}
