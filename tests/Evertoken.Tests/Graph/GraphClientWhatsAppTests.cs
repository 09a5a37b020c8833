using System.Net;
using Evertoken.Graph;
using static Evertoken.Tests.Graph.GraphTestData;

namespace Evertoken.Tests.Graph;

/// <summary>The WhatsApp account endpoints: phone numbers and webhook subscriptions.</summary>
public class GraphClientWhatsAppTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Phone_number_asks_for_the_status_fields_and_reads_them()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{PhoneNumberId}", FixtureFiles.WhatsApp("response.get-phone-number.json"));

        var result = await GraphClientSut.Create(handler).GetPhoneNumberAsync(PhoneNumberId, CallerToken, AppSecret, Ct);

        var phone = result.Value;
        phone.Id.ShouldBe(PhoneNumberId);
        phone.DisplayPhoneNumber.ShouldBe("+1 555-555-5555");
        phone.VerifiedName.ShouldBe("Jaspers Market");
        phone.QualityRating.ShouldBe("GREEN");
        phone.NameStatus.ShouldBe("APPROVED");
        phone.CodeVerificationStatus.ShouldBe("VERIFIED");
        var request = handler.Single;
        var fields = request.Query["fields"].ShouldNotBeNull().Split(',');
        fields.ShouldContain("id");
        fields.ShouldContain("quality_rating");
        fields.ShouldContain("name_status");
        fields.ShouldContain("code_verification_status");
        fields.ShouldContain("status");
        request.Authorization.ShouldBe($"Bearer {CallerToken}");
        request.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, CallerToken));
        request.Uri.ToString().ShouldNotContain(CallerToken);
    }

    [Fact]
    public async Task An_expired_token_on_a_WhatsApp_call_fails_as_expired_with_the_401_status()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{PhoneNumberId}",
            FixtureFiles.WhatsApp("error.graph.401-expired-token.json"), HttpStatusCode.Unauthorized);

        var result = await GraphClientSut.Create(handler).GetPhoneNumberAsync(PhoneNumberId, CallerToken, AppSecret, Ct);

        result.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.Expired);
        result.Error.HttpStatus.ShouldBe(401);
    }

    [Fact]
    public async Task A_single_page_of_phone_numbers_is_one_call()
    {
        // The spec example has cursors but no "next": per Meta's paging rules that is the last page.
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{WabaId}/phone_numbers", FixtureFiles.WhatsApp("response.list-phone-numbers.json"));

        var result = await GraphClientSut.Create(handler).ListPhoneNumbersAsync(WabaId, CallerToken, AppSecret, Ct);

        result.Value.Select(p => p.Id).ShouldBe(["1906385232743451", "1913623884432103"]);
        result.Value[1].AccountMode.ShouldBe("SANDBOX");
        var request = handler.Single;
        request.Query["limit"].ShouldBe("100");
        request.Query["after"].ShouldBeNull();
        request.Query["fields"].ShouldNotBeNull().ShouldContain("display_phone_number");
    }

    [Fact]
    public async Task Phone_numbers_follow_the_after_cursor_while_Meta_says_there_is_a_next_page()
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, $"/v25.0/{WabaId}/phone_numbers", r => StubGraphHandler.Json(r.Query["after"] switch
        {
            null => Page("1", "c1", hasNext: true),
            "c1" => Page("2", "c2", hasNext: true),
            "c2" => Page("3", "c3", hasNext: false),
            var other => throw new InvalidOperationException($"unexpected cursor {other}"),
        }));

        var result = await GraphClientSut.Create(handler).ListPhoneNumbersAsync(WabaId, CallerToken, AppSecret, Ct);

        result.Value.Select(p => p.Id).ShouldBe(["1", "2", "3"]);
        handler.Requests.Select(r => r.Query["after"]).ShouldBe([null, "c1", "c2"]);
        // The next URL Meta sends carries the token; the client rebuilds its own request instead of following it.
        handler.Requests.ShouldAllBe(r => !r.Uri.ToString().Contains(CallerToken));
    }

    [Fact]
    public async Task Paging_stops_when_a_cursor_comes_back_again()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{WabaId}/phone_numbers", Page("1", "same", hasNext: true));

        var result = await GraphClientSut.Create(handler).ListPhoneNumbersAsync(WabaId, CallerToken, AppSecret, Ct);

        handler.Requests.Count.ShouldBe(2);
        result.Value.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Paging_stops_at_a_sane_number_of_pages()
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, $"/v25.0/{WabaId}/phone_numbers",
            r => StubGraphHandler.Json(Page(r.Query["after"] ?? "first", "after-" + (r.Query["after"] ?? "first"), hasNext: true)));

        var result = await GraphClientSut.Create(handler).ListPhoneNumbersAsync(WabaId, CallerToken, AppSecret, Ct);

        result.IsSuccess.ShouldBeTrue();
        handler.Requests.Count.ShouldBe(50);
    }

    [Fact]
    public async Task A_failed_page_fails_the_whole_list()
    {
        var handler = new StubGraphHandler().On(HttpMethod.Get, $"/v25.0/{WabaId}/phone_numbers", r => r.Query["after"] is null
            ? StubGraphHandler.Json(Page("1", "c1", hasNext: true))
            : StubGraphHandler.Json(FixtureFiles.WhatsApp("error.graph.429-rate-limit-exceeded.json"), HttpStatusCode.TooManyRequests));

        var result = await GraphClientSut.Create(handler).ListPhoneNumbersAsync(WabaId, CallerToken, AppSecret, Ct);

        result.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.RateLimited);
    }

    [Fact]
    public async Task Subscribed_apps_are_read_from_whatsapp_business_api_data()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{WabaId}/subscribed_apps", FixtureFiles.WhatsApp("response.get-subscribed-apps.json"));

        var result = await GraphClientSut.Create(handler).GetSubscribedAppsAsync(WabaId, CallerToken, AppSecret, Ct);

        result.Value.ShouldBe([
            new SubscribedApp("1234567890123456", "Business Messaging App", "https://www.facebook.com/games/?app_id=1234567890123456"),
            new SubscribedApp("2345678901234567", "Customer Support Bot", "https://www.facebook.com/games/?app_id=2345678901234567"),
        ]);
    }

    [Fact]
    public async Task No_subscribed_app_is_an_empty_list()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, $"/v25.0/{WabaId}/subscribed_apps", """{"data":[]}""");

        var result = await GraphClientSut.Create(handler).GetSubscribedAppsAsync(WabaId, CallerToken, cancellationToken: Ct);

        result.Value.ShouldBeEmpty();
    }

    [Fact]
    public async Task Subscribing_posts_no_body_and_reads_success()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Post, $"/v25.0/{WabaId}/subscribed_apps", FixtureFiles.WhatsApp("response.subscribe-app.json"));

        var result = await GraphClientSut.Create(handler).SubscribeAppAsync(WabaId, CallerToken, AppSecret, Ct);

        result.Value.ShouldBeTrue();
        var request = handler.Single;
        request.Body.ShouldBeEmpty();
        request.Authorization.ShouldBe($"Bearer {CallerToken}");
        request.Query["appsecret_proof"].ShouldBe(ExpectedProof(AppSecret, CallerToken));
    }

    [Fact]
    public async Task Ids_are_escaped_so_they_cannot_change_the_path()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/v25.0/..%2Fme", FixtureFiles.WhatsApp("response.get-phone-number.json"));

        var result = await GraphClientSut.Create(handler).GetPhoneNumberAsync("../me", CallerToken, cancellationToken: Ct);

        result.IsSuccess.ShouldBeTrue();
        handler.Single.Uri.AbsolutePath.ShouldBe("/v25.0/..%2Fme");
    }

    [Fact]
    public async Task A_base_url_with_a_path_keeps_it_before_the_version()
    {
        var handler = new StubGraphHandler().OnJson(HttpMethod.Get, "/meta/graph/v24.0/me", """{"id":"1"}""");
        var client = GraphClientSut.Create(handler, configure: o =>
        {
            o.BaseUrl = new Uri("http://emulator.test/meta/graph");
            o.Version = "v24.0";
        });

        var result = await client.GetMeAsync(CallerToken, cancellationToken: Ct);

        result.Value.Id.ShouldBe("1");
        handler.Single.Uri.ToString().ShouldBe("http://emulator.test/meta/graph/v24.0/me");
    }

    private static string Page(string id, string after, bool hasNext)
    {
        var next = hasNext ? $",\"next\":\"https://graph.test/v25.0/{WabaId}/phone_numbers?access_token={CallerToken}&after={after}\"" : "";
        return "{\"data\":[{\"id\":\"" + id + "\"}],\"paging\":{\"cursors\":{\"before\":\"b\",\"after\":\"" + after + "\"}" + next + "}}";
    }
}
