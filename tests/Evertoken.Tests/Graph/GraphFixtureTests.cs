using System.Text;
using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Graph.Internal;
using Evertoken.Tokens;

namespace Evertoken.Tests.Graph;

/// <summary>
/// Every Graph fixture from shared/reference parses with the client's own models and means what the reference says.
/// The theory enumerates the folder, so a new fixture is parsed (and checked for the basics) without a code change;
/// the tables below add the exact expectations per file.
/// </summary>
public class GraphFixtureTests
{
    private static DateTimeOffset Unix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static TheoryData<string> GraphFixtures() => new(FixtureFiles.GraphJsonFiles());

    public static TheoryData<string> WhatsAppGraphErrors() => new(FixtureFiles.WhatsAppFiles("error.graph.*.json"));

    // debug_token answers that describe a token (HTTP 200 with "data").
    private static readonly Dictionary<string, Action<TokenInfo>> TokenExpectations = new()
    {
        ["debug_token-app.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.App);
            t.AppId.ShouldBe("257422819769992");
            t.ExpiresAt.ShouldBeNull();
            t.DataAccessExpiresAt.ShouldBeNull();
            t.IssuedAt.ShouldBeNull();
            t.UserId.ShouldBeNull();
            t.NeverExpires.ShouldBeTrue();
            t.Scopes.ShouldBeEmpty();
            t.Error.ShouldBeNull();
        },
        ["debug_token-invalid-cannot-get-app-info.json"] = t => ShouldBeBareInvalid(t, "Cannot get application info"),
        ["debug_token-invalid-cannot-parse.json"] = t => ShouldBeBareInvalid(t, "Cannot parse access token"),
        ["debug_token-invalid-could-not-decrypt.json"] = t => ShouldBeBareInvalid(t, "could not be decrypted"),
        ["debug_token-invalid-signature.json"] = t => ShouldBeBareInvalid(t, "signature"),
        ["debug_token-page.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.Page);
            t.ProfileId.ShouldBe("103455271248220");
            t.UserId.ShouldBe("123");
            t.ExpiresAt.ShouldBe(Unix(1669086000));
            t.DataAccessExpiresAt.ShouldBe(Unix(1676858291));
            t.Scopes.ShouldBe(["pages_show_list", "public_profile"]);
            t.TargetsOf("pages_show_list").ShouldBe(["103455271248220"]);
            t.TargetsOf("public_profile").ShouldBeNull();
        },
        ["debug_token-system-user-60d.CONSTRUCTED.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.SystemUser);
            t.IssuedAt.ShouldBe(Unix(1712099387));
            t.ExpiresAt.ShouldBe(Unix(1717283387));
            (t.ExpiresAt - t.IssuedAt).ShouldBe(TimeSpan.FromDays(60));
            t.DataAccessExpiresAt.ShouldBeNull();
            t.NeverExpires.ShouldBeFalse();
        },
        ["debug_token-system-user-never.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.SystemUser);
            t.AppId.ShouldBe("634974688087057");
            t.Application.ShouldBe("Lucky Shrub");
            t.UserId.ShouldBe("104169029247128");
            t.IssuedAt.ShouldBe(Unix(1712099387));
            t.ExpiresAt.ShouldBeNull();
            t.DataAccessExpiresAt.ShouldBeNull();
            t.NeverExpires.ShouldBeTrue();
            t.HasScope("whatsapp_business_messaging").ShouldBeTrue();
            t.GranularScopes.Select(g => g.Scope).ShouldBe(["whatsapp_business_management", "whatsapp_business_messaging"]);
            t.GranularScopes.ShouldAllBe(g => g.TargetIds.Count == 0);
            t.TargetsOf("whatsapp_business_management").ShouldBeNull();
        },
        ["debug_token-user-doc-example.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.User);
            t.IssuedAt.ShouldBeNull();
            t.ExpiresAt.ShouldBe(Unix(1570820400));
            t.DataAccessExpiresAt.ShouldBe(Unix(1576687825));
            t.TargetsOf("pages_show_list").ShouldBe(["{page-1-app-can-access-id}", "{page-2-app-can-access-id}"]);
        },
        ["debug_token-user-expired-463.json"] = t =>
        {
            t.IsValid.ShouldBeFalse();
            t.Kind.ShouldBe(TokenKind.User);
            t.ExpiresAt.ShouldBe(Unix(1668613551));
            t.IssuedAt.ShouldBe(Unix(1663429551));
            t.Scopes.ShouldBe(["email", "public_profile"]);
            var e = t.Error.ShouldNotBeNull();
            e.Code.ShouldBe(190);
            e.Subcode.ShouldBe(463);
            e.Kind.ShouldBe(GraphErrorKind.Expired);
            e.HttpStatus.ShouldBe(200);
            e.Message.ShouldStartWith("Error validating access token: Session has expired");
        },
        ["debug_token-user-invalidated-460.json"] = t =>
        {
            t.IsValid.ShouldBeFalse();
            t.ExpiresAt.ShouldBeNull();
            t.NeverExpires.ShouldBeFalse();
            t.GranularScopes.Count.ShouldBe(4);
            var e = t.Error.ShouldNotBeNull();
            e.Subcode.ShouldBe(460);
            e.Kind.ShouldBe(GraphErrorKind.Invalidated);
        },
        ["debug_token-user-invalidated-466.json"] = t =>
        {
            t.IsValid.ShouldBeFalse();
            t.Scopes.ShouldBeEmpty();
            t.UserId.ShouldBe("1882252945270000");
            var e = t.Error.ShouldNotBeNull();
            e.Subcode.ShouldBe(466);
            e.Kind.ShouldBe(GraphErrorKind.Invalidated);
            e.IsTokenProblem.ShouldBeTrue();
        },
        ["debug_token-user-long-lived.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.User);
            t.IssuedAt.ShouldBe(Unix(1668750788));
            t.ExpiresAt.ShouldBe(Unix(1673934788));
            t.TimeLeft(Unix(1668750788)).ShouldBe(TimeSpan.FromDays(60));
        },
        ["debug_token-user-never-expires-granular.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.ExpiresAt.ShouldBeNull();
            t.NeverExpires.ShouldBeTrue();
            t.DataAccessExpiresAt.ShouldBe(Unix(1635913358));
            t.Scopes.Count.ShouldBe(8);
            t.GranularScopes.Count.ShouldBe(7);
            t.TargetsOf("instagram_basic").ShouldBe(["17841400478070000"]);
            t.TargetsOf("instagram_manage_comments").ShouldBeNull();
        },
        ["debug_token-user-short-lived-metadata.json"] = t =>
        {
            t.IsValid.ShouldBeTrue();
            t.Kind.ShouldBe(TokenKind.User);
            t.IssuedAt.ShouldBeNull();
            t.ExpiresAt.ShouldBe(Unix(1668754800));
        },
    };

    // Error envelopes: code, subcode and what they mean.
    private static readonly Dictionary<string, (int Code, int? Subcode, GraphErrorKind Kind)> ErrorExpectations = new()
    {
        ["debug_token-error-100-no-app-token.json"] = (100, null, GraphErrorKind.BadRequest),
        ["debug_token-error-190-debug-only-token.json"] = (190, null, GraphErrorKind.Invalidated),
        ["error-1-invalid-client-secret.json"] = (1, null, GraphErrorKind.BadAppSecret),
        ["error-100-appsecret-proof-invalid.json"] = (100, null, GraphErrorKind.BadAppSecret),
        ["error-100-appsecret-proof-required.json"] = (100, null, GraphErrorKind.BadAppSecret),
        ["error-101-invalid-client-id.json"] = (101, null, GraphErrorKind.BadAppSecret),
        ["error-101-missing-client-id.json"] = (101, null, GraphErrorKind.BadAppSecret),
        ["error-190-458-app-not-authorized-doc.json"] = (190, 458, GraphErrorKind.Invalidated),
        ["error-190-460-logged-out-doc.json"] = (190, 460, GraphErrorKind.Invalidated),
        ["error-190-460-password-changed.json"] = (190, 460, GraphErrorKind.Invalidated),
        ["error-190-463-expired-2023.json"] = (190, 463, GraphErrorKind.Expired),
        ["error-190-463-expired.json"] = (190, 463, GraphErrorKind.Expired),
        ["error-190-could-not-decrypt.json"] = (190, null, GraphErrorKind.Invalidated),
        ["error-190-no-subcode-invalidated.json"] = (190, null, GraphErrorKind.Invalidated),
        ["error-190-session-key-malformed.json"] = (190, null, GraphErrorKind.Invalidated),
        ["error-2-transient.json"] = (2, null, GraphErrorKind.Transient),
        ["error-200-not-authorized.json"] = (200, null, GraphErrorKind.PermissionMissing),
        ["error-32-page-rate-limit-doc.json"] = (32, null, GraphErrorKind.RateLimited),
        ["error-4-app-rate-limit.json"] = (4, null, GraphErrorKind.RateLimited),
        ["error-80001-buc-rate-limit-doc.json"] = (80001, null, GraphErrorKind.RateLimited),
        ["error-shape-doc.json"] = (190, 460, GraphErrorKind.Invalidated),
        ["http-190-463-expired-full.json"] = (190, 463, GraphErrorKind.Expired),
    };

    // Tokens Meta issued: value prefix, token_type and expires_in.
    private static readonly Dictionary<string, (string Prefix, string? Type, TimeSpan? ExpiresIn)> IssuedExpectations = new()
    {
        ["oauth-client-credentials-app-token.json"] = ("257422819769992|", "bearer", null),
        ["oauth-exchange-long-lived-user.json"] = ("EAAFAKElongLived", "bearer", TimeSpan.FromSeconds(5183944)),
        ["oauth-refresh-system-user-60d.json"] = ("EAAFAKEexpiringSystemUser", "bearer", TimeSpan.FromSeconds(5183944)),
        ["system-user-access-tokens-create.json"] = ("EAAFAKEsystemUser", null, null),
    };

    [Theory]
    [MemberData(nameof(GraphFixtures))]
    public void Every_graph_fixture_parses_with_the_client_models(string file)
    {
        var json = FixtureFiles.Graph(file);
        var body = Encoding.UTF8.GetBytes(json);

        if (file.StartsWith("http-", StringComparison.Ordinal))
        {
            // A captured response: status, headers and body.
            using var doc = JsonDocument.Parse(json);
            var status = doc.RootElement.GetProperty("status").GetInt32();
            var error = GraphResponses.ReadError(Encoding.UTF8.GetBytes(doc.RootElement.GetProperty("body").GetRawText()), status);
            ShouldMatchErrorExpectation(file, error, status);
        }
        else if (file.StartsWith("error-", StringComparison.Ordinal) || HasTopLevelError(json))
        {
            var error = GraphResponses.ReadError(body, 400);
            ShouldMatchErrorExpectation(file, error, 400);
        }
        else if (file.StartsWith("debug_token-", StringComparison.Ordinal))
        {
            var info = TokenInfoParser.Parse(json);
            // The basics every debug_token answer must satisfy.
            if (info.IsValid)
            {
                info.Error.ShouldBeNull();
                info.Kind.ShouldNotBe(TokenKind.Unknown);
                info.AppId.ShouldNotBeNullOrEmpty();
            }
            else
            {
                info.Error.ShouldNotBeNull().Code.ShouldBeGreaterThan(0);
                info.Error.HttpStatus.ShouldBe(200);
            }

            if (TokenExpectations.TryGetValue(file, out var expect))
            {
                expect(info);
            }
        }
        else if (file == "oauth-revoke-success.json")
        {
            GraphResponses.ReadSuccessFlag(body).ShouldBe(true);
        }
        else if (file.StartsWith("oauth-", StringComparison.Ordinal) || file.StartsWith("system-user-", StringComparison.Ordinal))
        {
            var issued = GraphClient.ParseIssuedToken(body).ShouldNotBeNull();
            issued.AccessToken.ShouldNotBeNullOrWhiteSpace();
            if (IssuedExpectations.TryGetValue(file, out var expected))
            {
                issued.AccessToken.ShouldStartWith(expected.Prefix);
                issued.TokenType.ShouldBe(expected.Type);
                issued.ExpiresIn.ShouldBe(expected.ExpiresIn);
            }
        }
        else if (file.StartsWith("header-", StringComparison.Ordinal))
        {
            var usage = file.Contains("business-use-case", StringComparison.Ordinal)
                ? GraphUsage.Parse(null, json)
                : GraphUsage.Parse(json, null);
            usage.ShouldNotBeNull();
            usage.HighestPercent.ShouldBeInRange(0, 100);
        }
        else
        {
            throw new ShouldAssertException($"No parsing rule for fixture '{file}': teach {nameof(GraphFixtureTests)} what it is.");
        }
    }

    [Fact]
    public void Every_expectation_names_an_existing_fixture()
    {
        var files = FixtureFiles.GraphJsonFiles().ToHashSet(StringComparer.Ordinal);
        TokenExpectations.Keys.Concat(ErrorExpectations.Keys).Concat(IssuedExpectations.Keys).ShouldAllBe(f => files.Contains(f));
    }

    [Fact]
    public void The_documented_error_shape_keeps_every_field()
    {
        var error = GraphResponses.ReadError(Encoding.UTF8.GetBytes(FixtureFiles.Graph("error-shape-doc.json")), 400);

        error.Message.ShouldBe("Message describing the error");
        error.Type.ShouldBe("OAuthException");
        error.UserTitle.ShouldBe("A title");
        error.UserMessage.ShouldBe("A message");
        error.FbTraceId.ShouldBe("EJplcsCHuLu");
        error.HttpStatus.ShouldBe(400);
    }

    [Fact]
    public void Transient_and_throttle_errors_keep_is_transient()
    {
        GraphResponses.ReadError(Encoding.UTF8.GetBytes(FixtureFiles.Graph("error-2-transient.json")), 500).IsTransient.ShouldBeTrue();
        GraphResponses.ReadError(Encoding.UTF8.GetBytes(FixtureFiles.Graph("error-4-app-rate-limit.json")), 403).IsTransient.ShouldBeTrue();
        GraphResponses.ReadError(Encoding.UTF8.GetBytes(FixtureFiles.Graph("error-200-not-authorized.json")), 403).IsTransient.ShouldBeFalse();
    }

    [Fact]
    public void App_usage_header_reads_the_three_percentages()
    {
        var usage = GraphUsage.Parse(FixtureFiles.Graph("header-x-app-usage-doc.json"), null).ShouldNotBeNull();

        usage.App.ShouldBe(new AppUsage(28, 25, 25));
        usage.BusinessUseCase.ShouldBeEmpty();
        usage.HighestPercent.ShouldBe(28);
    }

    [Fact]
    public void Business_use_case_usage_header_reads_each_business_object()
    {
        var usage = GraphUsage.Parse(null, FixtureFiles.Graph("header-x-business-use-case-usage-doc.json")).ShouldNotBeNull();

        usage.App.ShouldBeNull();
        usage.BusinessUseCase.Keys.ShouldBe(["66782684", "10153848260347724"], ignoreOrder: true);
        var ads = usage.BusinessUseCase["66782684"].ShouldHaveSingleItem();
        ads.ShouldBe(new BusinessUseCaseUsage("ads_management", 95, 20, 20, 0, "development_access"));
        usage.HighestPercent.ShouldBe(97);
        usage.RegainAccessIn.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Unreadable_usage_headers_are_ignored_rather_than_thrown()
    {
        GraphUsage.Parse("not json", "{").ShouldBeNull();
        GraphUsage.Parse(null, null).ShouldBeNull();
        GraphUsage.Parse("{\"call_count\":\"7\",\"total_time\":1,\"total_cputime\":2}", "oops").ShouldNotBeNull().App!.CallCount.ShouldBe(7);
    }

    [Theory]
    [MemberData(nameof(WhatsAppGraphErrors))]
    public void WhatsApp_spec_error_examples_classify_by_code(string file)
    {
        // File names carry the spec's HTTP status: error.graph.401-expired-token.json.
        var status = int.Parse(file.Split('.')[2][..3], System.Globalization.CultureInfo.InvariantCulture);
        var error = GraphResponses.ReadError(Encoding.UTF8.GetBytes(FixtureFiles.WhatsApp(file)), status);

        error.HttpStatus.ShouldBe(status);
        error.FbTraceId.ShouldNotBeNullOrEmpty();
        var expected = error.Code switch
        {
            100 => GraphErrorKind.BadRequest,
            190 => GraphErrorKind.Expired, // both 401 examples carry subcode 463
            4 or 80007 => GraphErrorKind.RateLimited,
            _ => throw new ShouldAssertException($"No expectation for code {error.Code} in {file}."),
        };
        error.Kind.ShouldBe(expected);
        if (status == 429)
        {
            error.IsTransient.ShouldBeTrue();
            error.Subcode.ShouldBe(2446079);
            error.IsRetryable.ShouldBeTrue();
        }
    }

    [Fact]
    public void Phone_number_fixture_reads_every_field()
    {
        var phone = JsonSerializer.Deserialize(FixtureFiles.WhatsApp("response.get-phone-number.json"), GraphJsonContext.Default.PhoneNumberInfo)
            .ShouldNotBeNull();

        phone.ShouldBe(new PhoneNumberInfo
        {
            Id = "106853218861309",
            DisplayPhoneNumber = "+1 555-555-5555",
            VerifiedName = "Jaspers Market",
            QualityRating = "GREEN",
            NameStatus = "APPROVED",
            CodeVerificationStatus = "VERIFIED",
        });
    }

    [Fact]
    public void Phone_number_list_fixture_reads_both_numbers_and_the_cursor()
    {
        var page = JsonSerializer.Deserialize(FixtureFiles.WhatsApp("response.list-phone-numbers.json"), GraphJsonContext.Default.GraphPagePhoneNumberInfo)
            .ShouldNotBeNull();

        page.Data.ShouldNotBeNull().Count.ShouldBe(2);
        var live = page.Data[0];
        live.Status.ShouldBe("LINKED");
        live.AccountMode.ShouldBe("LIVE");
        live.HostPlatform.ShouldBe("CLOUD_API");
        live.MessagingLimitTier.ShouldBe("TIER_1K");
        live.CountryDialCode.ShouldBe("1");
        live.IsOfficialBusinessAccount.ShouldBe(true);
        live.Username.ShouldBe("jaspers_market");
        page.Data[1].Username.ShouldBeNull();
        page.Data[1].CodeVerificationStatus.ShouldBe("NOT_VERIFIED");
        page.Paging.ShouldNotBeNull().Cursors.ShouldNotBeNull().After.ShouldBe("MTAxNTExOTQ1MjAwNzI5NDE=");
        page.Paging.Next.ShouldBeNull();
    }

    [Fact]
    public void Subscribe_fixture_reads_as_success()
    {
        GraphResponses.ReadSuccessFlag(Encoding.UTF8.GetBytes(FixtureFiles.WhatsApp("response.subscribe-app.json"))).ShouldBe(true);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("{\"success\":true}", true)]
    [InlineData("{\"success\":false}", false)]
    [InlineData("{\"success\":\"true\",}", true)] // Meta's documented oauth/revoke sample, trailing comma and all
    [InlineData("{\"success\":\"true\"}", true)]
    [InlineData("{\"id\":\"1\"}", null)]
    [InlineData("<html>", null)]
    [InlineData("", null)]
    public void Boolean_answers_accept_every_shape_Meta_uses(string body, bool? expected)
    {
        GraphResponses.ReadSuccessFlag(Encoding.UTF8.GetBytes(body)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("USER", TokenKind.User)]
    [InlineData("PAGE", TokenKind.Page)]
    [InlineData("APP", TokenKind.App)]
    [InlineData("SYSTEM_USER", TokenKind.SystemUser)]
    [InlineData("system_user", TokenKind.SystemUser)]
    [InlineData("INSTAGRAM", TokenKind.Unknown)]
    [InlineData(null, TokenKind.Unknown)]
    public void Token_type_strings_map_to_token_kinds(string? type, TokenKind kind)
    {
        TokenInfoParser.ParseKind(type).ShouldBe(kind);
    }

    [Fact]
    public void A_top_level_error_is_not_a_token_description()
    {
        Should.Throw<JsonException>(() => TokenInfoParser.Parse(FixtureFiles.Graph("debug_token-error-100-no-app-token.json")));
    }

    private static void ShouldMatchErrorExpectation(string file, GraphError error, int status)
    {
        // The basics every Graph error envelope must satisfy.
        error.Code.ShouldBeGreaterThan(0);
        error.Message.ShouldNotBeNullOrWhiteSpace();
        error.Type.ShouldNotBeNullOrWhiteSpace();
        error.HttpStatus.ShouldBe(status);
        if (ErrorExpectations.TryGetValue(file, out var expected))
        {
            error.Code.ShouldBe(expected.Code);
            error.Subcode.ShouldBe(expected.Subcode);
            error.Kind.ShouldBe(expected.Kind, $"{file}: {error}");
        }
    }

    private static bool HasTopLevelError(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out _);
    }

    private static void ShouldBeBareInvalid(TokenInfo t, string messagePart)
    {
        t.IsValid.ShouldBeFalse();
        t.Kind.ShouldBe(TokenKind.Unknown);
        t.AppId.ShouldBeNull();
        t.Scopes.ShouldBeEmpty();
        t.NeverExpires.ShouldBeFalse();
        var e = t.Error.ShouldNotBeNull();
        e.Code.ShouldBe(190);
        e.Subcode.ShouldBeNull();
        e.Kind.ShouldBe(GraphErrorKind.Invalidated);
        e.Message.ShouldContain(messagePart);
    }
}
