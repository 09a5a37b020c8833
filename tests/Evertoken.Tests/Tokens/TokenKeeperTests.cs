using System.Collections.Concurrent;
using Evertoken.Emulator;
using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.Tokens;

/// <summary>The keeper over an in-memory store, talking to the emulator over loopback (no stubbed Graph).</summary>
public sealed class TokenKeeperTests : IAsyncLifetime
{
    private readonly RecordingObserver _observer = new();
    private EmulatorHost _emulator = null!;
    private InMemoryTokenStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SampleWorld Sample => _emulator.Sample;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(ct: Ct);
        _store = new InMemoryTokenStore(_emulator.Clock);
        await _store.UpsertAppAsync(new StoredApp(Sample.AppId, Sample.AppSecret), Ct);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private TokenKeeper CreateSut(Action<RefreshPolicyOptions>? configure = null)
    {
        var options = new RefreshPolicyOptions();
        configure?.Invoke(options);
        return new TokenKeeper(_store, GraphClient.Create(_emulator.BaseUrl, time: _emulator.Clock), new RefreshPolicy(Options.Create(options)),
            new NoRefreshLock(), _emulator.Clock, NullLogger<TokenKeeper>.Instance, [_observer]);
    }

    private string Mint(TimeSpan? lifetime, EmulatorTokenKind kind = EmulatorTokenKind.SystemUser) => _emulator.State.MintToken(new TokenSpec
    {
        AppId = Sample.AppId,
        Kind = kind,
        Lifetime = lifetime is { } l ? TokenLifetime.FromSeconds((long)l.TotalSeconds) : TokenLifetime.Never,
        UserId = kind == EmulatorTokenKind.SystemUser ? Sample.SystemUserId : null,
        Scopes = ["whatsapp_business_messaging"],
    }).AccessToken;

    private async Task<ManagedToken> AddAsync(string name, string value, TimeSpan? expiresIn, TokenKind kind = TokenKind.SystemUser, string? appId = "sample")
    {
        var now = _emulator.Clock.GetUtcNow();
        var added = await _store.AddTokenAsync(new NewManagedToken
        {
            Name = name,
            AppId = appId == "sample" ? Sample.AppId : appId,
            Version = new TokenVersionData { Value = value, Kind = kind, IssuedAt = now, ExpiresAt = now + expiresIn },
        }, Ct);
        await _store.UpdateHealthAsync(name, new TokenHealth { Status = TokenStatus.Healthy, LastCheckedAt = now }, Ct);
        return added;
    }

    private int GraphCalls(string path) => _emulator.Calls.Count(c => c.Path == path);

    [Fact]
    public async Task An_unknown_name_is_a_configuration_bug_and_throws()
    {
        var keeper = CreateSut();

        await Should.ThrowAsync<KeyNotFoundException>(async () => await keeper.GetAsync("nope", Ct));
        await Should.ThrowAsync<KeyNotFoundException>(() => keeper.RefreshAsync("nope", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_token_outside_the_hard_margin_is_served_from_memory_without_asking_Meta()
    {
        var value = Mint(TimeSpan.FromDays(30));
        await AddAsync("main", value, TimeSpan.FromDays(30));
        var keeper = CreateSut();
        var before = _emulator.Calls.Count;

        for (var i = 0; i < 100; i++)
        {
            var current = await keeper.GetAsync("main", Ct);
            current.Value.ShouldBe(value);
            current.Version.ShouldBe(1);
            current.Proof.ShouldBe(AppSecretProof.Compute(Sample.AppSecret, value));
            current.ToString().ShouldNotContain(value);
        }

        _emulator.Calls.Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_token_inside_the_hard_margin_is_renewed_by_the_caller_that_asks_for_it()
    {
        var old = Mint(TimeSpan.FromHours(6));
        await AddAsync("main", old, TimeSpan.FromHours(6));
        var keeper = CreateSut();

        var current = await keeper.GetAsync("main", Ct);

        current.Version.ShouldBe(2);
        current.Value.ShouldNotBe(old);
        current.Kind.ShouldBe(TokenKind.SystemUser);
        (current.ExpiresAt!.Value - _emulator.Clock.GetUtcNow()).ShouldBeGreaterThan(TimeSpan.FromDays(59));
        (await _store.GetTokenAsync("main", Ct))!.Current.Data.Value.ShouldBe(current.Value);
        await Poll(() => _observer.Rotated.Any(r => r.Name == "main" && r.Version == 2 && r.PreviousVersion == 1));
    }

    [Fact]
    public async Task A_refresh_for_a_rejected_version_that_was_already_replaced_does_not_call_Meta()
    {
        await AddAsync("main", Mint(TimeSpan.FromDays(30)), TimeSpan.FromDays(30));
        var keeper = CreateSut();
        (await keeper.RefreshAsync("main", cancellationToken: Ct)).Rotated.ShouldBeTrue();
        await Poll(() => GraphCalls("/oauth/access_token") == 1); // the emulator records a call just after answering it

        var outcome = await keeper.RefreshAsync("main", rejectedVersion: 1, Ct);

        outcome.Rotated.ShouldBeFalse();
        outcome.Succeeded.ShouldBeTrue();
        outcome.Current.Version.ShouldBe(2);
        GraphCalls("/oauth/access_token").ShouldBe(1);
    }

    [Fact]
    public async Task A_never_expiring_token_is_not_turned_into_a_60_day_token()
    {
        var forever = Mint(null);
        await AddAsync("forever", forever, expiresIn: null);
        var keeper = CreateSut();

        var outcome = await keeper.RefreshAsync("forever", rejectedVersion: null, Ct);

        outcome.Rotated.ShouldBeFalse();
        outcome.Skipped.ShouldNotBeNull().ShouldContain("never expires");
        outcome.Current.Value.ShouldBe(forever);
        GraphCalls("/oauth/access_token").ShouldBe(0);
        (await _store.GetHistoryAsync("forever", Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Renewal_without_the_app_secret_is_skipped_with_the_reason()
    {
        await AddAsync("orphan", Mint(TimeSpan.FromDays(10)), TimeSpan.FromDays(10), appId: null);

        var outcome = await CreateSut().RefreshAsync("orphan", cancellationToken: Ct);

        outcome.Rotated.ShouldBeFalse();
        outcome.Skipped.ShouldNotBeNull().ShouldContain("app secret");
        GraphCalls("/oauth/access_token").ShouldBe(0);
    }

    [Fact]
    public async Task A_token_Meta_revoked_fails_its_renewal_as_invalid_and_stays_served()
    {
        var value = Mint(TimeSpan.FromDays(10));
        await AddAsync("main", value, TimeSpan.FromDays(10));
        _emulator.State.Invalidate(value, 460);
        var keeper = CreateSut();

        var outcome = await keeper.RefreshAsync("main", cancellationToken: Ct);

        outcome.Rotated.ShouldBeFalse();
        outcome.Error.ShouldNotBeNull().Kind.ShouldBe(GraphErrorKind.Invalidated);
        outcome.Current.Value.ShouldBe(value);
        (await _store.GetTokenAsync("main", Ct))!.Health.Status.ShouldBe(TokenStatus.Invalid);
        (await keeper.GetAsync("main", Ct)).Value.ShouldBe(value);
        await Poll(() => _observer.Failures.Contains("main"));
    }

    [Fact]
    public async Task A_check_records_what_Meta_says_and_fills_in_the_facts_of_a_token_added_without_them()
    {
        var value = Mint(TimeSpan.FromDays(60));
        await _store.AddTokenAsync(new NewManagedToken { Name = "bare", AppId = Sample.AppId, Version = new TokenVersionData { Value = value } }, Ct);
        var keeper = CreateSut();

        var outcome = await keeper.CheckAsync("bare", Ct);

        outcome.Status.ShouldBe(TokenStatus.Healthy);
        var stored = (await _store.GetTokenAsync("bare", Ct))!;
        stored.Current.Data.Kind.ShouldBe(TokenKind.SystemUser);
        stored.Current.Data.ExpiresAt.ShouldNotBeNull();
        stored.Health.LastCheckedAt.ShouldNotBeNull().ShouldBe(_emulator.Clock.GetUtcNow(), TimeSpan.FromSeconds(5));

        _emulator.State.Invalidate(value, 466);
        (await keeper.CheckAsync("bare", Ct)).Status.ShouldBe(TokenStatus.Invalid);
        await Poll(() => _observer.Checks.Contains(("bare", TokenStatus.Healthy, TokenStatus.Invalid)));
    }

    [Fact]
    public async Task Superseded_system_user_versions_are_revoked_only_after_the_grace_period()
    {
        var old = Mint(TimeSpan.FromDays(10));
        await AddAsync("main", old, TimeSpan.FromDays(10));
        var keeper = CreateSut(o => o.RevokeGracePeriod = TimeSpan.FromMinutes(30));
        (await keeper.RefreshAsync("main", cancellationToken: Ct)).Rotated.ShouldBeTrue();

        (await keeper.RevokeSupersededAsync("main", Ct)).ShouldBe(0);
        _emulator.State.FindToken(old)!.InvalidationSubcode.ShouldBeNull();

        _emulator.Clock.Advance(TimeSpan.FromMinutes(31));
        (await keeper.RevokeSupersededAsync("main", Ct)).ShouldBe(1);
        _emulator.State.FindToken(old)!.InvalidationSubcode.ShouldBe(466);
        (await _store.GetHistoryAsync("main", Ct))[1].RevokedAt.ShouldNotBeNull();
        (await keeper.RevokeSupersededAsync("main", Ct)).ShouldBe(0, "revoked once");
    }

    private static async Task Poll(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the observer was not called");
            await Task.Delay(10, Ct);
        }
    }

    private sealed class RecordingObserver : ITokenObserver
    {
        public ConcurrentBag<(string Name, long Version, long PreviousVersion)> Rotated { get; } = [];

        public ConcurrentBag<string> Failures { get; } = [];

        public ConcurrentBag<(string Name, TokenStatus Previous, TokenStatus Now)> Checks { get; } = [];

        public Task OnRotatedAsync(ManagedToken token, TokenVersion previous, CancellationToken cancellationToken)
        {
            Rotated.Add((token.Name, token.Current.Number, previous.Number));
            return Task.CompletedTask;
        }

        public Task OnRefreshFailedAsync(ManagedToken token, GraphError error, CancellationToken cancellationToken)
        {
            Failures.Add(token.Name);
            return Task.CompletedTask;
        }

        public Task OnCheckedAsync(ManagedToken token, TokenStatus previousStatus, TokenCheckOutcome outcome, CancellationToken cancellationToken)
        {
            Checks.Add((token.Name, previousStatus, outcome.Status));
            return Task.CompletedTask;
        }
    }
}
