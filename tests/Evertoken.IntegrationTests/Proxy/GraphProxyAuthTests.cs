using System.Net;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>Only a live client key with the proxy right, allowed for the token, gets through; nothing else reaches Graph.</summary>
public sealed class GraphProxyAuthTests
{
    private static string PhonePath(ProxyTestHost host) => $"v25.0/{host.Sample.PhoneNumberId}";

    [Fact]
    public async Task Missing_wrong_and_revoked_keys_get_401_problem_details_and_never_reach_upstream()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (revokedId, revoked) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var (_, valid) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        await host.RevokeKeyAsync(revokedId);
        var wrongSecret = valid[..^1] + (valid[^1] == 'A' ? 'B' : 'A');
        var callsBefore = host.Emulator.Calls.Count;

        foreach (var key in new string?[] { null, "etk_nonsense", "etk_000000000000_" + new string('x', 43), wrongSecret, revoked, "EAAsomeMetaTokenInsteadOfAKey" })
        {
            using var response = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), key);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"key {key?[..Math.Min(8, key.Length)] ?? "(none)"}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        host.Emulator.Calls.Count.ShouldBe(callsBefore);
    }

    [Fact]
    public async Task A_key_without_the_proxy_right_gets_403_and_never_reaches_upstream()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, key) = await host.CreateKeyAsync(["read-token", "send"], [ProxyTestHost.TokenName]);
        var callsBefore = host.Emulator.Calls.Count;

        using var response = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), key);
        using var asAdmin = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), ProxyTestHost.AdminKey);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        asAdmin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        host.Emulator.Calls.Count.ShouldBe(callsBefore);
    }

    [Fact]
    public async Task A_key_naming_a_token_it_may_not_use_gets_403_and_never_reaches_upstream()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, otherOnly) = await host.CreateKeyAsync(["proxy"], ["other"]);
        var (_, mainOnly) = await host.CreateKeyAsync(["proxy"], [ProxyTestHost.TokenName]);
        var callsBefore = host.Emulator.Calls.Count;

        using var named = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), otherOnly, tokenHeader: ProxyTestHost.TokenName);
        using var namedOther = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), mainOnly, tokenHeader: "other");

        named.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        namedOther.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        host.Emulator.Calls.Count.ShouldBe(callsBefore);
    }

    [Fact]
    public async Task A_key_for_every_token_must_name_one_and_then_reaches_upstream_with_it()
    {
        await using var host = await ProxyTestHost.StartAsync();
        var (_, any) = await host.CreateKeyAsync(["proxy"], ["*"]);

        using var unnamed = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), any);
        using var unknown = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), any, tokenHeader: "no-such-token");
        unnamed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        host.CallsTo($"/{host.Sample.PhoneNumberId}").ShouldBeEmpty();

        using var named = await host.ProxyAsync(HttpMethod.Get, PhonePath(host), any, tokenHeader: ProxyTestHost.TokenName);
        named.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.CallsToAsync($"/{host.Sample.PhoneNumberId}", 1)).ShouldHaveSingleItem().Token.ShouldBe(Tokens.TokenFingerprint.Of(host.FirstToken));
    }
}
