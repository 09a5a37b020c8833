using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// <c>AddEvertokenHandler</c> in a real host against the emulator, with the app's "Require App Secret" switch on, so
/// every successful call also proves the <c>appsecret_proof</c> was right.
/// </summary>
public sealed class TokenHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_carry_the_managed_token_as_bearer_and_a_valid_appsecret_proof()
    {
        await using var emu = await StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu);
        var phone = emu.Sample.PhoneNumberId;

        // The switch is on: the same call without a proof is refused.
        using (var bare = new HttpClient { BaseAddress = emu.BaseUrl })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v25.0/{phone}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", emu.Sample.SystemUserToken60Days);
            using var refused = await bare.SendAsync(request, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        emu.State.ClearCalls();

        using var response = await app.GetPhoneAsync(phone);
        var body = await ReadJsonAsync(response);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToJsonString());
        body["id"]!.GetValue<string>().ShouldBe(phone);
        body["display_phone_number"]!.GetValue<string>().ShouldBe(emu.Sample.DisplayPhoneNumber);

        var call = PhoneCalls(emu).ShouldHaveSingleItem();
        call.Status.ShouldBe(200);
        call.TokenTransport.ShouldBe("bearer");
        call.Token.ShouldBe(Fingerprint(emu, emu.Sample.SystemUserToken60Days));
        call.Query.Keys.ShouldContain("appsecret_proof");
        call.Query.Keys.ShouldNotContain("access_token");
    }

    [Fact]
    public async Task A_190_from_Graph_causes_one_renewal_and_one_retry_with_the_new_token()
    {
        await using var emu = await StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu);
        var phone = emu.Sample.PhoneNumberId;
        emu.State.AddFault(new FaultSpec { Path = "/" + phone, Method = "GET", Status = 400, GraphCode = 190, GraphSubcode = 463, Count = 1 });

        using var response = await app.GetPhoneAsync(phone);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var current = await app.Keeper.GetAsync(app.TokenName, Ct);
        current.Version.ShouldBe(2);
        current.Value.ShouldNotBe(emu.Sample.SystemUserToken60Days);
        RenewalCalls(emu).ShouldBe(1);
        var calls = PhoneCalls(emu);
        calls.Select(c => c.Status).ShouldBe([400, 200]);
        calls[0].Token.ShouldBe(Fingerprint(emu, emu.Sample.SystemUserToken60Days));
        calls[1].Token.ShouldBe(Fingerprint(emu, current.Value));
        calls[1].Query.Keys.ShouldContain("appsecret_proof");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Requests_rejected_after_another_instance_rotated_and_revoked_the_token_are_retried_with_its_version(int requests)
    {
        await using var emu = await StartEmulatorAsync();
        using var shared = new TempFolder();
        var key = LibraryApp.NewMasterKey();
        await using var app = await LibraryApp.StartAsync(emu, new LibraryApp.Setup { Data = shared, MasterKey = key });
        var phone = emu.Sample.PhoneNumberId;
        using (var warm = await app.GetPhoneAsync(phone))
        {
            warm.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Another instance on the same store renews, and the old token is then revoked at Meta.
        await using (var other = await LibraryApp.StartAsync(emu, new LibraryApp.Setup { Data = shared, MasterKey = key }))
        {
            var outcome = await other.Keeper.RefreshAsync(other.TokenName, cancellationToken: Ct);
            outcome.Rotated.ShouldBeTrue(outcome.Error?.Message ?? outcome.Skipped);
        }

        emu.State.Invalidate(emu.Sample.SystemUserToken60Days, 466).ShouldBeTrue();
        emu.State.ClearCalls();

        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            using var response = await app.GetPhoneAsync(phone);
            return response.StatusCode;
        }));

        responses.ShouldAllBe(s => s == HttpStatusCode.OK);
        // The renewal was the other instance's: this one found the new version in the store.
        RenewalCalls(emu).ShouldBe(0);
        var current = await app.Keeper.GetAsync(app.TokenName, Ct);
        current.Version.ShouldBe(2);
        var calls = PhoneCalls(emu);
        calls.Count(c => c.Status == 200).ShouldBe(requests);
        calls.Where(c => c.Status == 200).ShouldAllBe(c => c.Token == Fingerprint(emu, current.Value));
        calls.Where(c => c.Status != 200).ShouldAllBe(c => c.Token == Fingerprint(emu, emu.Sample.SystemUserToken60Days));
        // Requests that started after the first renewal already carried the new version.
        calls.Count(c => c.Status != 200).ShouldBeInRange(1, requests);
    }

    [Fact]
    public async Task A_thousand_concurrent_requests_when_the_token_is_due_renew_it_exactly_once()
    {
        await using var emu = await StartEmulatorAsync();
        // The app reads the emulator's clock, so moving it moves the token towards expiry for both.
        await using var app = await LibraryApp.StartAsync(emu, new LibraryApp.Setup { Time = emu.Clock });
        var phone = emu.Sample.PhoneNumberId;
        using (var warm = await app.GetPhoneAsync(phone))
        {
            warm.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Inside the hard margin (1 day by default) but not yet expired at Meta: every caller must wait for a renewal.
        emu.Clock.Advance(TimeSpan.FromDays(59.5));
        emu.State.ClearCalls();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await app.GetPhoneAsync(phone);
            return response.StatusCode;
        }));

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
        RenewalCalls(emu).ShouldBe(1);
        var current = await app.Keeper.GetAsync(app.TokenName, Ct);
        current.Version.ShouldBe(2);
        var calls = PhoneCalls(emu);
        calls.Count.ShouldBe(1000);
        calls.ShouldAllBe(c => c.Status == 200 && c.Token == Fingerprint(emu, current.Value));
    }

    [Fact]
    public async Task A_streamed_body_is_not_retried_and_the_caller_gets_the_190_while_the_token_is_still_renewed()
    {
        await using var emu = await StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu);
        var path = $"{emu.Sample.WabaId}/subscribed_apps";
        emu.State.AddFault(new FaultSpec { Path = "/" + path, Method = "POST", Status = 400, GraphCode = 190, Count = 1 });

        using var response = await app.GraphClient.PostAsync(path, new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{}"))), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await ReadJsonAsync(response);
        body["error"]!["code"]!.GetValue<int>().ShouldBe(190);
        emu.Calls.Where(c => c.Path == "/" + path).ShouldHaveSingleItem().Token.ShouldBe(Fingerprint(emu, emu.Sample.SystemUserToken60Days));
        // The caller's own retry gets the renewed token.
        RenewalCalls(emu).ShouldBe(1);
        (await app.Keeper.GetAsync(app.TokenName, Ct)).Version.ShouldBe(2);
    }

    [Fact]
    public async Task A_buffered_body_is_sent_again_after_a_190()
    {
        await using var emu = await StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu);
        var path = $"{emu.Sample.WabaId}/subscribed_apps";
        emu.State.AddFault(new FaultSpec { Path = "/" + path, Method = "POST", Status = 400, GraphCode = 190, Count = 1 });

        using var response = await app.GraphClient.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        emu.Calls.Where(c => c.Path == "/" + path).Select(c => c.Status).ShouldBe([400, 200]);
    }

    [Fact]
    public async Task When_the_renewal_fails_too_the_caller_gets_Meta_s_190_after_one_attempt()
    {
        await using var emu = await StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu);
        // Revoked at Meta: the exchange that would renew it is refused as well.
        emu.State.Invalidate(emu.Sample.SystemUserToken60Days, 460).ShouldBeTrue();

        using var response = await app.GetPhoneAsync(emu.Sample.PhoneNumberId);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadJsonAsync(response))["error"]!["code"]!.GetValue<int>().ShouldBe(190);
        PhoneCalls(emu).Count.ShouldBe(1);
        emu.Calls.Where(c => c.Path == "/oauth/access_token").ShouldHaveSingleItem().Status.ShouldBe(400);
        (await app.Keeper.GetAsync(app.TokenName, Ct)).Version.ShouldBe(1);
    }

    internal static async Task<EmulatorHost> StartEmulatorAsync()
    {
        var emu = await EmulatorHost.StartAsync(ct: Ct);
        emu.State.FindApp(emu.Sample.AppId)!.RequireAppSecretProof = true;
        return emu;
    }

    internal static string Fingerprint(EmulatorHost emu, string token) => emu.State.FindToken(token)!.Fingerprint;

    internal static int RenewalCalls(EmulatorHost emu) => emu.Calls.Count(c => c.Path == "/oauth/access_token");

    private static List<RecordedCall> PhoneCalls(EmulatorHost emu) =>
        [.. emu.Calls.Where(c => c.Path == "/" + emu.Sample.PhoneNumberId).OrderBy(c => c.Seq)];

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
}
