using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Time.Testing;
using static Evertoken.Tests.Storage.StoreTestData;

namespace Evertoken.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ITokenStore"/> must have. Subclass it once per store: implement
/// <see cref="CreateStoreAsync"/> (a fresh, empty store using <see cref="Time"/>) and, when the store needs cleaning up,
/// override <see cref="DisposeStoreAsync"/>. The base class calls <see cref="ITokenStore.InitializeAsync"/>.
/// </summary>
public abstract class TokenStoreContractTests : IAsyncLifetime
{
    /// <summary>The clock the store must use.</summary>
    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>The store under test.</summary>
    protected ITokenStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates a fresh, empty store that reads time from <see cref="Time"/>.</summary>
    protected abstract Task<ITokenStore> CreateStoreAsync();

    /// <summary>Releases the store; by default disposes it when it is disposable.</summary>
    protected virtual async ValueTask DisposeStoreAsync(ITokenStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public async ValueTask InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await DisposeStoreAsync(Store);
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task An_added_token_is_version_1_and_reads_back_with_its_value_and_facts()
    {
        var value = TokenValue();
        var expires = Start.AddDays(60);
        var added = await Store.AddTokenAsync(NewToken("wedding-matcher") with { Version = Version(value, "imported", expires) }, Ct);

        var read = await Store.GetTokenAsync("wedding-matcher", Ct);

        read.ShouldNotBeNull();
        read.ShouldBe(added);
        read.Name.ShouldBe("wedding-matcher");
        read.AppId.ShouldBe("1234567890123456");
        read.PhoneNumberId.ShouldBe("106540352242922");
        read.WabaId.ShouldBe("102290129340398");
        read.SettingsJson.ShouldBe("""{"sinks":["dotenv"]}""");
        read.CreatedAt.ShouldBe(Start);
        read.Health.Status.ShouldBe(TokenStatus.Unchecked);
        read.Current.Number.ShouldBe(1);
        read.Current.CreatedAt.ShouldBe(Start);
        read.Current.RevokedAt.ShouldBeNull();
        read.Current.Data.Value.ShouldBe(value);
        read.Current.Data.Kind.ShouldBe(TokenKind.SystemUser);
        read.Current.Data.IssuedAt.ShouldBe(Start.AddDays(-1));
        read.Current.Data.ExpiresAt.ShouldBe(expires);
        read.Current.Data.Source.ShouldBe("imported");
    }

    [Fact]
    public async Task A_token_with_only_a_name_and_value_round_trips_its_nulls()
    {
        await Store.AddTokenAsync(new NewManagedToken { Name = "bare", Version = new TokenVersionData { Value = "EAAbare-value-0123456789" } }, Ct);

        var read = (await Store.GetTokenAsync("bare", Ct)).ShouldNotBeNull();

        read.AppId.ShouldBeNull();
        read.PhoneNumberId.ShouldBeNull();
        read.WabaId.ShouldBeNull();
        read.SettingsJson.ShouldBeNull();
        read.Current.Data.Kind.ShouldBe(TokenKind.Unknown);
        read.Current.Data.IssuedAt.ShouldBeNull();
        read.Current.Data.ExpiresAt.ShouldBeNull();
        read.Current.Data.Source.ShouldBe("added");
        read.Current.Data.Value.ShouldBe("EAAbare-value-0123456789");
    }

    [Fact]
    public async Task Times_are_kept_in_utc_to_the_millisecond()
    {
        Time.SetUtcNow(Start.AddTicks(12_345));
        var expires = new DateTimeOffset(2025, 5, 1, 12, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4_567);

        await Store.AddTokenAsync(NewToken("t") with { Version = Version(expiresAt: expires) }, Ct);
        var read = (await Store.GetTokenAsync("t", Ct)).ShouldNotBeNull();

        read.CreatedAt.ShouldBe(Start.AddMilliseconds(1));
        read.Current.Data.ExpiresAt.ShouldBe(new DateTimeOffset(2025, 5, 1, 10, 0, 0, 123, TimeSpan.Zero));
        read.Current.Data.ExpiresAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public async Task Unicode_and_long_values_round_trip()
    {
        var value = "EAA€ünïcødé🔑" + new string('x', 5000);
        await Store.AddTokenAsync(NewToken("unicode", value), Ct);

        (await Store.GetTokenAsync("unicode", Ct))!.Current.Data.Value.ShouldBe(value);
    }

    [Fact]
    public async Task Adding_a_duplicate_name_throws_and_keeps_the_first_token()
    {
        var first = await Store.AddTokenAsync(NewToken("dup"), Ct);

        var ex = await Should.ThrowAsync<InvalidOperationException>(() => Store.AddTokenAsync(NewToken("dup"), Ct));

        ex.Message.ShouldContain("dup");
        (await Store.GetTokenAsync("dup", Ct)).ShouldBe(first);
        (await Store.GetHistoryAsync("dup", Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_token_reads_as_null_and_removes_as_false()
    {
        (await Store.GetTokenAsync("nope", Ct)).ShouldBeNull();
        (await Store.RemoveTokenAsync("nope", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Writing_to_an_unknown_token_throws_KeyNotFoundException()
    {
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.AddVersionAsync("nope", 1, Version(), Ct));
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.UpdateHealthAsync("nope", new TokenHealth { Status = TokenStatus.Healthy }, Ct));
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.GetHistoryAsync("nope", Ct));
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.MarkRevokedAsync("nope", 1, Start, Ct));
    }

    [Fact]
    public async Task Marking_an_unknown_version_revoked_throws_KeyNotFoundException()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);

        var ex = await Should.ThrowAsync<KeyNotFoundException>(() => Store.MarkRevokedAsync("t", 7, Start, Ct));

        ex.Message.ShouldContain("7");
    }

    [Fact]
    public async Task Listing_returns_every_token_by_name_with_its_current_version()
    {
        await Store.AddTokenAsync(NewToken("charlie"), Ct);
        await Store.AddTokenAsync(NewToken("alpha"), Ct);
        await Store.AddTokenAsync(NewToken("bravo"), Ct);
        var newValue = TokenValue();
        await Store.AddVersionAsync("bravo", 1, Version(newValue, "refreshed"), Ct);

        var tokens = await Store.ListTokensAsync(Ct);

        tokens.Select(t => t.Name).ShouldBe(["alpha", "bravo", "charlie"]);
        tokens[1].Current.Number.ShouldBe(2);
        tokens[1].Current.Data.Value.ShouldBe(newValue);
        tokens[0].Current.Number.ShouldBe(1);
    }

    [Fact]
    public async Task An_empty_store_lists_nothing()
    {
        (await Store.ListTokensAsync(Ct)).ShouldBeEmpty();
        (await Store.ListAppsAsync(Ct)).ShouldBeEmpty();
        (await Store.ListAuditAsync(cancellationToken: Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Adding_a_version_with_the_current_number_makes_it_current_and_keeps_the_old_one()
    {
        var oldValue = TokenValue();
        await Store.AddTokenAsync(NewToken("t", oldValue), Ct);
        Time.Advance(TimeSpan.FromDays(50));
        var newValue = TokenValue();

        var after = await Store.AddVersionAsync("t", 1, Version(newValue, "refreshed", Start.AddDays(110)), Ct);

        after.ShouldNotBeNull();
        after.Current.Number.ShouldBe(2);
        after.Current.Data.Value.ShouldBe(newValue);
        after.Current.Data.Source.ShouldBe("refreshed");
        after.Current.CreatedAt.ShouldBe(Start.AddDays(50));
        after.CreatedAt.ShouldBe(Start);
        (await Store.GetTokenAsync("t", Ct)).ShouldBe(after);
        var history = await Store.GetHistoryAsync("t", Ct);
        history.Select(v => v.Data.Value).ShouldBe([newValue, oldValue]);
    }

    [Fact]
    public async Task Adding_a_version_with_a_stale_number_returns_null_and_changes_nothing()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        var winner = await Store.AddVersionAsync("t", 1, Version(), Ct);

        var loser = await Store.AddVersionAsync("t", 1, Version(), Ct);
        var fromTheFuture = await Store.AddVersionAsync("t", 5, Version(), Ct);

        loser.ShouldBeNull();
        fromTheFuture.ShouldBeNull();
        (await Store.GetTokenAsync("t", Ct)).ShouldBe(winner);
        (await Store.GetHistoryAsync("t", Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task History_is_newest_first()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        for (var n = 1; n <= 4; n++)
        {
            Time.Advance(TimeSpan.FromHours(1));
            (await Store.AddVersionAsync("t", n, Version(source: $"refresh-{n}"), Ct)).ShouldNotBeNull();
        }

        var history = await Store.GetHistoryAsync("t", Ct);

        history.Select(v => v.Number).ShouldBe([5L, 4L, 3L, 2L, 1L]);
        history.Select(v => v.Data.Source).ShouldBe(["refresh-4", "refresh-3", "refresh-2", "refresh-1", "added"]);
        history[0].CreatedAt.ShouldBe(Start.AddHours(4));
        history[^1].CreatedAt.ShouldBe(Start);
    }

    [Fact]
    public async Task Fifty_parallel_writers_with_the_same_expected_version_have_exactly_one_winner()
    {
        await Store.AddTokenAsync(NewToken("raced"), Ct);
        var values = Enumerable.Range(0, 50).Select(_ => TokenValue()).ToList();

        var results = await Task.WhenAll(values.Select(v => Task.Run(() => Store.AddVersionAsync("raced", 1, Version(v, "refreshed"), Ct), Ct)));

        var winners = results.Where(r => r is not null).ToList();
        winners.Count.ShouldBe(1);
        var current = (await Store.GetTokenAsync("raced", Ct)).ShouldNotBeNull();
        current.Current.Number.ShouldBe(2);
        current.Current.Data.Value.ShouldBe(winners[0]!.Current.Data.Value);
        values.ShouldContain(current.Current.Data.Value);
        (await Store.GetHistoryAsync("raced", Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Updating_health_stores_status_check_time_error_and_debug_token_facts()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        var info = new TokenInfo
        {
            IsValid = false,
            Kind = TokenKind.User,
            AppId = "1234567890123456",
            Application = "Wedding Matcher",
            UserId = "10229012934",
            IssuedAt = Start.AddDays(-3),
            ExpiresAt = Start.AddDays(-1),
            DataAccessExpiresAt = Start.AddDays(80),
            Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"],
            GranularScopes = [new GranularScope("whatsapp_business_messaging", ["102290129340398"])],
            Error = GraphError.From(190, 463, "Session has expired", 400, "OAuthException"),
        };
        var checkedAt = Start.AddMinutes(5);

        await Store.UpdateHealthAsync("t", new TokenHealth { Status = TokenStatus.Expired, LastCheckedAt = checkedAt, LastError = "expired (190/463)", Info = info }, Ct);
        var health = (await Store.GetTokenAsync("t", Ct))!.Health;

        health.Status.ShouldBe(TokenStatus.Expired);
        health.LastCheckedAt.ShouldBe(checkedAt);
        health.LastError.ShouldBe("expired (190/463)");
        var stored = health.Info.ShouldNotBeNull();
        stored.IsValid.ShouldBeFalse();
        stored.Kind.ShouldBe(TokenKind.User);
        stored.Application.ShouldBe("Wedding Matcher");
        stored.UserId.ShouldBe("10229012934");
        stored.ExpiresAt.ShouldBe(Start.AddDays(-1));
        stored.DataAccessExpiresAt.ShouldBe(Start.AddDays(80));
        stored.Scopes.ShouldBe(info.Scopes);
        stored.GranularScopes.Single().Scope.ShouldBe("whatsapp_business_messaging");
        stored.TargetsOf("whatsapp_business_messaging").ShouldBe(["102290129340398"]);
        stored.Error.ShouldNotBeNull().Code.ShouldBe(190);
        stored.Error.Subcode.ShouldBe(463);
        stored.Error.Kind.ShouldBe(info.Error.Kind);
    }

    [Fact]
    public async Task Updating_health_again_replaces_every_field_and_keeps_the_version()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        await Store.UpdateHealthAsync("t", new TokenHealth { Status = TokenStatus.Invalid, LastCheckedAt = Start, LastError = "boom", Info = new TokenInfo { IsValid = false } }, Ct);

        await Store.UpdateHealthAsync("t", new TokenHealth { Status = TokenStatus.Healthy }, Ct);
        var token = (await Store.GetTokenAsync("t", Ct))!;

        token.Health.ShouldBe(new TokenHealth { Status = TokenStatus.Healthy });
        token.Current.Number.ShouldBe(1);
    }

    [Fact]
    public async Task Marking_a_version_revoked_sets_its_time_and_touches_no_other_version()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        await Store.AddVersionAsync("t", 1, Version(), Ct);
        var revokedAt = Start.AddHours(2);

        await Store.MarkRevokedAsync("t", 1, revokedAt, Ct);

        var history = await Store.GetHistoryAsync("t", Ct);
        history.Single(v => v.Number == 1).RevokedAt.ShouldBe(revokedAt);
        history.Single(v => v.Number == 2).RevokedAt.ShouldBeNull();
        (await Store.GetTokenAsync("t", Ct))!.Current.RevokedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Removing_a_token_deletes_it_and_its_history_and_frees_the_name()
    {
        await Store.AddTokenAsync(NewToken("gone"), Ct);
        await Store.AddVersionAsync("gone", 1, Version(), Ct);
        await Store.AddTokenAsync(NewToken("kept"), Ct);

        (await Store.RemoveTokenAsync("gone", Ct)).ShouldBeTrue();

        (await Store.GetTokenAsync("gone", Ct)).ShouldBeNull();
        await Should.ThrowAsync<KeyNotFoundException>(() => Store.GetHistoryAsync("gone", Ct));
        (await Store.ListTokensAsync(Ct)).Select(t => t.Name).ShouldBe(["kept"]);
        var again = await Store.AddTokenAsync(NewToken("gone"), Ct);
        again.Current.Number.ShouldBe(1);
        (await Store.GetHistoryAsync("gone", Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_audit_log_lists_newest_first_with_growing_ids()
    {
        await Store.AppendAuditAsync(Audit("token.added", "t1", Start), Ct);
        await Store.AppendAuditAsync(Audit("token.rotated", "t1", Start.AddMinutes(1)), Ct);
        // An entry with an earlier time still lists as the newest: the order is the append order.
        await Store.AppendAuditAsync(Audit("key.created", null, Start.AddMinutes(-5)), Ct);

        var entries = await Store.ListAuditAsync(cancellationToken: Ct);

        entries.Select(e => e.Action).ShouldBe(["key.created", "token.rotated", "token.added"]);
        entries[0].Id.ShouldBeGreaterThan(entries[1].Id);
        entries[1].Id.ShouldBeGreaterThan(entries[2].Id);
        entries[1].ShouldBe(Audit("token.rotated", "t1", Start.AddMinutes(1)) with { Id = entries[1].Id });
        entries[0].TokenName.ShouldBeNull();
    }

    [Fact]
    public async Task The_audit_log_filters_by_token_and_honours_the_limit()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendAuditAsync(Audit($"a.{i}", i % 2 == 0 ? "even" : "odd", Start.AddMinutes(i)), Ct);
        }

        (await Store.ListAuditAsync(100, "even", Ct)).Select(e => e.Action).ShouldBe(["a.4", "a.2", "a.0"]);
        (await Store.ListAuditAsync(100, "odd", Ct)).Select(e => e.Action).ShouldBe(["a.3", "a.1"]);
        (await Store.ListAuditAsync(2, cancellationToken: Ct)).Select(e => e.Action).ShouldBe(["a.4", "a.3"]);
        (await Store.ListAuditAsync(1, "odd", Ct)).Select(e => e.Action).ShouldBe(["a.3"]);
        (await Store.ListAuditAsync(10, "nobody", Ct)).ShouldBeEmpty();
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Store.ListAuditAsync(0, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_batch_of_audit_entries_is_appended_in_order_and_a_bad_entry_appends_none_of_it()
    {
        await Store.AppendAuditAsync(Audit("before", "t", Start), Ct);
        var batch = Enumerable.Range(0, 50).Select(i => Audit($"read.{i}", i % 2 == 0 ? "t" : null, Start.AddSeconds(i))).ToList();

        await Store.AppendAuditAsync(batch, Ct);
        await Store.AppendAuditAsync(Array.Empty<AuditEntry>(), Ct);
        await Should.ThrowAsync<ArgumentException>(() => Store.AppendAuditAsync([Audit("fine", "t", Start), Audit("", "t", Start)], Ct));

        var entries = await Store.ListAuditAsync(1000, cancellationToken: Ct);
        entries.Select(e => e.Action).ShouldBe(Enumerable.Range(0, 50).Select(i => $"read.{49 - i}").Append("before"));
        entries[0].ShouldBe(batch[49] with { Id = entries[0].Id });
        entries[0].TokenName.ShouldBeNull();
        entries[1].TokenName.ShouldBe("t");
        (await Store.ListAuditAsync(1000, "t", Ct)).Count.ShouldBe(26);
    }

    [Fact]
    public async Task A_batch_with_runs_of_entries_differing_only_in_time_keeps_every_entry_its_time_and_the_order()
    {
        // A burst of reads by two keys, interleaved, a version change inside one key's run, and entries with nulls.
        AuditEntry Read(string actor, string? detail, int second) =>
            new() { At = Start.AddSeconds(second).AddMilliseconds(second * 7), Action = "token.read", Actor = actor, TokenName = detail is null ? null : "main", Detail = detail };
        var batch = new List<AuditEntry>();
        for (var i = 0; i < 30; i++)
        {
            batch.Add(Read(i is >= 10 and < 13 ? "key:b" : "key:a", i < 20 ? "version 1" : i < 25 ? "version 2" : null, i));
        }

        batch.Add(Read("key:a", null, 30));
        await Store.AppendAuditAsync(batch, Ct);

        var stored = (await Store.ListAuditAsync(1000, cancellationToken: Ct)).Reverse().ToList();
        stored.Count.ShouldBe(batch.Count);
        stored.Select(e => e.Id).ShouldBeInOrder(SortDirection.Ascending);
        stored.Select(e => e with { Id = 0 }).ShouldBe(batch);
        (await Store.ListAuditAsync(1000, "main", Ct)).Count.ShouldBe(25);
    }

    [Fact]
    public async Task Audit_entries_outlive_the_token_they_name()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);
        await Store.AppendAuditAsync(Audit("token.added", "t", Start), Ct);

        await Store.RemoveTokenAsync("t", Ct);

        (await Store.ListAuditAsync(10, "t", Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Apps_are_inserted_then_replaced_by_id()
    {
        var secret = AppSecret();
        await Store.UpsertAppAsync(new StoredApp("111", secret, "Wedding Matcher"), Ct);
        (await Store.GetAppAsync("111", Ct)).ShouldBe(new StoredApp("111", secret, "Wedding Matcher"));

        var newSecret = AppSecret();
        await Store.UpsertAppAsync(new StoredApp("111", newSecret, "Renamed"), Ct);
        await Store.UpsertAppAsync(new StoredApp("000", null), Ct);

        (await Store.GetAppAsync("111", Ct)).ShouldBe(new StoredApp("111", newSecret, "Renamed"));
        (await Store.GetAppAsync("000", Ct)).ShouldBe(new StoredApp("000", null));
        (await Store.GetAppAsync("999", Ct)).ShouldBeNull();
        (await Store.ListAppsAsync(Ct)).ShouldBe([new StoredApp("000", null), new StoredApp("111", newSecret, "Renamed")]);
    }

    [Fact]
    public async Task Initializing_again_is_harmless()
    {
        await Store.AddTokenAsync(NewToken("t"), Ct);

        await Store.InitializeAsync(Ct);

        (await Store.GetTokenAsync("t", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Bad_arguments_throw_before_touching_the_store()
    {
        await Should.ThrowAsync<ArgumentException>(() => Store.AddTokenAsync(NewToken(" "), Ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.AddTokenAsync(NewToken("t") with { Version = Version("") }, Ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.GetTokenAsync("", Ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.UpsertAppAsync(new StoredApp("", "s"), Ct));
        (await Store.ListTokensAsync(Ct)).ShouldBeEmpty();
    }

    protected static AuditEntry Audit(string action, string? tokenName, DateTimeOffset at) => new()
    {
        At = at,
        Action = action,
        Actor = "worker",
        TokenName = tokenName,
        Detail = "v1 EAAG…abcd sha256:0123abcd",
    };
}
