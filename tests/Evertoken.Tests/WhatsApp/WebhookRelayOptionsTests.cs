using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class WebhookRelayOptionsTests
{
    private static readonly Uri[] Own = [new("http://127.0.0.1:5000"), new("http://0.0.0.0:8080")];

    private static IReadOnlyList<string> Problems(params WebhookRelayTarget[] targets)
    {
        var options = new WebhookRelayOptions { Targets = targets, OwnAddresses = Own };
        return new WebhookRelayOptions.Validator().Validate(null, options).Failures?.ToList() ?? [];
    }

    [Theory]
    [InlineData("https://app.example.com/whatsapp")]
    [InlineData("http://127.0.0.1:5000/my-app/hook")]
    [InlineData("http://127.0.0.1:5001/webhooks/whatsapp")]
    [InlineData("http://10.1.2.3:5000/v1/anything")]
    public void Other_services_and_other_paths_on_our_own_address_are_fine(string url) =>
        Problems(new WebhookRelayTarget { Url = new Uri(url), Secret = "s" }).ShouldBeEmpty();

    [Theory]
    [InlineData("http://127.0.0.1:5000/webhooks/whatsapp")]
    [InlineData("http://localhost:5000/v1/messages")]
    [InlineData("http://LOCALHOST:5000/GRAPH/v25.0/me")]
    [InlineData("http://localhost:8080/webhooks")]
    [InlineData("http://127.0.0.1:8080/v1")]
    public void A_target_pointing_back_at_our_own_api_proxy_or_receiver_is_refused(string url) =>
        Problems(new WebhookRelayTarget { Url = new Uri(url) }).ShouldHaveSingleItem().ShouldContain("loop");

    [Theory]
    [InlineData("ftp://files.example.com/hook")]
    [InlineData("file:///tmp/hook")]
    public void Only_http_and_https_targets_are_allowed(string url) =>
        Problems(new WebhookRelayTarget { Url = new Uri(url) }).ShouldHaveSingleItem().ShouldContain("http");

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var options = new WebhookRelayOptions
        {
            Targets =
            [
                new WebhookRelayTarget { Name = "a", Url = new Uri("ftp://x.example/") },
                new WebhookRelayTarget { Name = "a", Url = new Uri("https://y.example/"), PhoneNumberId = "+1 555" },
            ],
            InitialDelay = TimeSpan.Zero,
            MaxConcurrency = 0,
        };

        var failures = new WebhookRelayOptions.Validator().Validate(null, options).Failures!.ToList();

        failures.Count.ShouldBe(5);
    }

    [Fact]
    public void A_target_without_a_name_is_named_by_its_url_without_the_query()
    {
        var target = new WebhookRelayTarget { Url = new Uri("https://app.example.com/hook?key=secret123"), Secret = "shh-our-secret", MetaSecret = "meta-app-secret" };

        target.EffectiveName.ShouldBe("https://app.example.com/hook");
        target.ToString().ShouldNotContain("shh-our-secret");
        target.ToString().ShouldNotContain("meta-app-secret");
        target.ToString().ShouldNotContain("secret123");
    }
}
