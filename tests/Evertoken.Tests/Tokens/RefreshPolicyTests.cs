using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.Tokens;

public sealed class RefreshPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static RefreshPolicy CreateSut(Action<RefreshPolicyOptions>? configure = null)
    {
        var options = new RefreshPolicyOptions();
        configure?.Invoke(options);
        return new RefreshPolicy(Options.Create(options));
    }

    private static ManagedToken Token(
        TokenKind kind,
        TimeSpan? expiresIn,
        TimeSpan? lifetime = null,
        TokenStatus status = TokenStatus.Healthy,
        TimeSpan? checkedAgo = null,
        string name = "main",
        long version = 1)
    {
        DateTimeOffset? expires = expiresIn is { } e ? Now + e : null;
        DateTimeOffset? issued = expires is { } x && lifetime is { } l ? x - l : null;
        return new ManagedToken
        {
            Name = name,
            Current = new TokenVersion
            {
                Number = version,
                CreatedAt = Now - TimeSpan.FromDays(1),
                Data = new TokenVersionData { Value = "EAAGtokenvalue0123456789", Kind = kind, ExpiresAt = expires, IssuedAt = issued },
            },
            Health = new TokenHealth { Status = status, LastCheckedAt = status == TokenStatus.Unchecked ? null : Now - (checkedAgo ?? TimeSpan.FromMinutes(5)) },
        };
    }

    [Fact]
    public void An_invalid_token_is_left_alone_for_good()
    {
        var decision = CreateSut().Decide(Token(TokenKind.SystemUser, TimeSpan.FromDays(2), TimeSpan.FromDays(60), TokenStatus.Invalid), Now);

        decision.Action.ShouldBe(RefreshAction.Wait);
        decision.NextAt.ShouldBe(DateTimeOffset.MaxValue);
    }

    [Theory]
    [InlineData(TokenKind.Unknown, TokenStatus.Healthy)]
    [InlineData(TokenKind.SystemUser, TokenStatus.Unchecked)]
    public void A_token_never_checked_or_of_unknown_kind_is_checked_at_once(TokenKind kind, TokenStatus status)
    {
        var decision = CreateSut().Decide(Token(kind, null, status: status), Now);

        decision.Action.ShouldBe(RefreshAction.Check);
        decision.NextAt.ShouldBe(Now);
    }

    [Fact]
    public void A_never_expiring_token_is_checked_once_per_check_interval()
    {
        var policy = CreateSut(o => o.CheckInterval = TimeSpan.FromHours(1));

        var early = policy.Decide(Token(TokenKind.SystemUser, null, checkedAgo: TimeSpan.FromMinutes(20)), Now);
        early.Action.ShouldBe(RefreshAction.Wait);
        early.NextAt.ShouldBe(Now + TimeSpan.FromMinutes(40));

        policy.Decide(Token(TokenKind.SystemUser, null, checkedAgo: TimeSpan.FromHours(1)), Now).Action.ShouldBe(RefreshAction.Check);
    }

    [Fact]
    public void App_and_page_tokens_are_checked_not_renewed_even_with_an_expiry()
    {
        var policy = CreateSut();

        policy.Decide(Token(TokenKind.App, TimeSpan.FromDays(1), TimeSpan.FromDays(60), checkedAgo: TimeSpan.FromHours(2)), Now).Action.ShouldBe(RefreshAction.Check);
        policy.Decide(Token(TokenKind.Page, TimeSpan.FromDays(1), TimeSpan.FromDays(60), checkedAgo: TimeSpan.FromMinutes(1)), Now).Action.ShouldBe(RefreshAction.Wait);
    }

    [Fact]
    public void A_short_lived_user_token_is_exchanged_at_once()
    {
        var policy = CreateSut();

        policy.Decide(Token(TokenKind.User, TimeSpan.FromHours(2)), Now).Action.ShouldBe(RefreshAction.Renew, "no issued_at: short-lived");
        policy.Decide(Token(TokenKind.User, TimeSpan.FromMinutes(90), TimeSpan.FromHours(2)), Now).Action.ShouldBe(RefreshAction.Renew);
    }

    [Theory]
    [InlineData(TokenKind.SystemUser)]
    [InlineData(TokenKind.User)]
    public void A_60_day_token_waits_until_its_renewal_time_then_is_renewed(TokenKind kind)
    {
        var policy = CreateSut();
        var fresh = Token(kind, TimeSpan.FromDays(40), TimeSpan.FromDays(60));

        var waiting = policy.Decide(fresh, Now);
        waiting.Action.ShouldBe(RefreshAction.Wait);
        waiting.NextAt.ShouldBeLessThanOrEqualTo(policy.RenewAt("main", 1, Now + TimeSpan.FromDays(40)));

        var due = policy.Decide(Token(kind, TimeSpan.FromDays(19), TimeSpan.FromDays(60)), Now);
        due.Action.ShouldBe(RefreshAction.Renew);
        due.Reason.ShouldContain("19 days left");
    }

    [Fact]
    public void Between_renewals_a_60_day_token_is_checked_daily()
    {
        var policy = CreateSut();

        policy.Decide(Token(TokenKind.SystemUser, TimeSpan.FromDays(40), TimeSpan.FromDays(60), checkedAgo: TimeSpan.FromHours(25)), Now).Action.ShouldBe(RefreshAction.Check);
        var next = policy.Decide(Token(TokenKind.SystemUser, TimeSpan.FromDays(40), TimeSpan.FromDays(60), checkedAgo: TimeSpan.FromHours(1)), Now);
        next.Action.ShouldBe(RefreshAction.Wait);
        next.NextAt.ShouldBe(Now + TimeSpan.FromHours(23));
    }

    [Fact]
    public void The_renewal_time_is_spread_by_a_stable_jitter_and_never_inside_the_hard_margin()
    {
        var policy = CreateSut();
        var expires = Now + TimeSpan.FromDays(60);
        var o = policy.Options;

        var times = Enumerable.Range(0, 200).Select(i => policy.RenewAt($"token-{i}", 1, expires)).ToList();
        times.ShouldAllBe(t => t <= expires - o.RenewWhenLeft && t >= expires - o.RenewWhenLeft - o.Jitter);
        times.Distinct().Count().ShouldBeGreaterThan(150, "tokens do not all renew at once");
        policy.RenewAt("token-7", 3, expires).ShouldBe(CreateSut().RenewAt("token-7", 3, expires), "instances and restarts agree");

        var tight = CreateSut(x =>
        {
            x.RenewWhenLeft = TimeSpan.FromHours(2);
            x.Jitter = TimeSpan.Zero;
            x.HardMargin = TimeSpan.FromHours(6);
        });
        tight.RenewAt("main", 1, expires).ShouldBe(expires - TimeSpan.FromHours(6));
    }

    [Fact]
    public void Inline_renewal_is_due_only_for_renewable_tokens_inside_the_hard_margin_that_Meta_has_not_rejected()
    {
        var policy = CreateSut();

        policy.MustRenewNow(Token(TokenKind.SystemUser, TimeSpan.FromHours(12), TimeSpan.FromDays(60)), Now).ShouldBeTrue();
        policy.MustRenewNow(Token(TokenKind.SystemUser, TimeSpan.FromHours(-1), TimeSpan.FromDays(60)), Now).ShouldBeTrue("expired but renewable: try");
        policy.MustRenewNow(Token(TokenKind.SystemUser, TimeSpan.FromDays(3), TimeSpan.FromDays(60)), Now).ShouldBeFalse();
        policy.MustRenewNow(Token(TokenKind.SystemUser, TimeSpan.FromHours(12), TimeSpan.FromDays(60), TokenStatus.Invalid), Now).ShouldBeFalse();
        policy.MustRenewNow(Token(TokenKind.SystemUser, null), Now).ShouldBeFalse();
        policy.MustRenewNow(Token(TokenKind.App, TimeSpan.FromHours(12)), Now).ShouldBeFalse();
    }
}
