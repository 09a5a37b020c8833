using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// The control API under <c>/_emulator/</c>: build the world, mint and break tokens, move the clock, inject faults,
/// read the recorded calls, change settings. JSON in snake_case. Not part of Graph: never recorded, never faulted.
/// </summary>
internal static class ControlEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, EmulatorState state)
    {
        var group = endpoints.MapGroup("/_emulator");

        group.MapGet("/sample", () => state.Sample is { } sample ? Json(sample) : Results.NotFound());

        group.MapGet("/apps", () => Json(state.Apps.Select(AppJson)));
        group.MapPost("/apps", Body<CreateAppBody>(body =>
            Json(AppJson(state.CreateApp(body.Name, body.RequireAppsecretProof ?? false, body.Id, body.Secret)))));
        group.MapPost("/apps/{id}", (HttpContext http, string id) => Handle<UpdateAppBody>(http, body =>
        {
            var app = state.FindApp(id) ?? throw new KeyNotFoundException($"App {id} does not exist.");
            app.RequireAppSecretProof = body.RequireAppsecretProof ?? app.RequireAppSecretProof;
            return Json(AppJson(app));
        }));

        group.MapPost("/businesses", Body<CreateBusinessBody>(body =>
            Json(state.CreateBusiness(body.Name, body.Id))));

        group.MapPost("/system_users", Body<CreateSystemUserBody>(body =>
        {
            var user = state.CreateSystemUser(Required(body.BusinessId, "business_id"), body.Name, body.Role ?? "ADMIN", body.Id);
            foreach (var appId in body.InstalledAppIds ?? [])
            {
                state.InstallApp(user.Id, appId);
            }

            return Json(new { user.Id, user.Name, user.Role, user.BusinessId, user.InstalledAppIds });
        }));

        group.MapPost("/wabas", Body<CreateWabaBody>(body =>
        {
            var waba = state.CreateWaba(Required(body.BusinessId, "business_id"), body.Name, body.Id);
            foreach (var appId in body.SubscribedAppIds ?? [])
            {
                state.SubscribeApp(waba.Id, appId);
            }

            return Json(new { waba.Id, waba.Name, waba.BusinessId, SubscribedAppIds = waba.Subscriptions.Select(s => s.AppId) });
        }));

        group.MapPost("/phone_numbers", Body<CreatePhoneNumberBody>(body =>
        {
            var number = state.AddPhoneNumber(Required(body.WabaId, "waba_id"), body.DisplayPhoneNumber ?? "+1 555-0199", body.VerifiedName, body.Id);
            number = state.PutPhoneNumber(number with
            {
                QualityRating = body.QualityRating ?? number.QualityRating,
                NameStatus = body.NameStatus ?? number.NameStatus,
                CodeVerificationStatus = body.CodeVerificationStatus ?? number.CodeVerificationStatus,
                Status = body.Status ?? number.Status,
                AccountMode = body.AccountMode ?? number.AccountMode,
                MessagingLimitTier = body.MessagingLimitTier ?? number.MessagingLimitTier,
            });
            return Json(number);
        }));

        group.MapPost("/tokens", Body<CreateTokenBody>(body => Json(TokenJson(state, MintToken(state, body)))));
        group.MapPost("/tokens/invalidate", Body<InvalidateBody>(body =>
            state.Invalidate(Required(body.AccessToken, "access_token"), body.Subcode ?? 460)
                ? Json(new { Success = true })
                : Results.Problem("Unknown access_token.", statusCode: 404)));

        group.MapPost("/codes", Body<CreateCodeBody>(body =>
        {
            var code = state.MintCode(Required(body.AppId, "app_id"), body.BusinessId, body.WabaIds, body.Scopes);
            return Json(new { code.Code, code.AppId, code.BusinessId, code.WabaIds, code.Scopes, ExpiresAt = code.ExpiresAt.ToUnixTimeSeconds() });
        }));

        group.MapGet("/clock", () => Json(ClockJson(state.Clock)));
        group.MapPost("/clock/advance", Body<AdvanceClockBody>(body =>
        {
            state.Clock.Advance(TimeSpan.FromSeconds(body.Seconds ?? throw new ArgumentException("seconds is required.")));
            return Json(ClockJson(state.Clock));
        }));

        group.MapGet("/faults", () => Json(state.Faults.Snapshot()));
        group.MapPost("/faults", Body<FaultSpec>(body => Json(new { Id = state.AddFault(body) })));
        group.MapDelete("/faults", () =>
        {
            state.ClearFaults();
            return Json(new { Success = true });
        });

        group.MapGet("/calls", (string? path, long? since) =>
        {
            var prefix = path is null ? null : GraphRequest.SplitVersion(path.StartsWith('/') ? path : "/" + path).Path;
            return Json(state.CallLog.Snapshot(prefix, since ?? 0));
        });
        group.MapDelete("/calls", () =>
        {
            state.ClearCalls();
            return Json(new { Success = true });
        });

        group.MapGet("/settings", () => Json(state.Settings));
        group.MapPost("/settings", async (HttpContext http, CancellationToken ct) =>
        {
            try
            {
                await UpdateSettingsAsync(http, state.Settings);
                return Json(state.Settings);
            }
            catch (JsonException ex)
            {
                return Results.Problem(ex.Message, statusCode: 400);
            }
        });

        return group;
    }

    private static MintedToken MintToken(EmulatorState state, CreateTokenBody body)
    {
        var kind = body.Kind ?? EmulatorTokenKind.SystemUser;
        var lifetime = body.Lifetime switch
        {
            null => kind == EmulatorTokenKind.User ? TokenLifetime.Short : TokenLifetime.Never,
            { ValueKind: JsonValueKind.Number } n => TokenLifetime.FromSeconds(n.GetInt64()),
            { ValueKind: JsonValueKind.String } s => TokenLifetime.Parse(s.GetString()!),
            _ => throw new ArgumentException("lifetime must be \"short\", \"60d\", \"never\" or a number of seconds."),
        };
        return state.MintToken(new TokenSpec
        {
            AppId = Required(body.AppId, "app_id"),
            Kind = kind,
            Lifetime = lifetime,
            Scopes = body.Scopes ?? [],
            WabaIds = body.WabaIds,
            PhoneNumberIds = body.PhoneNumberIds,
            UserId = body.SystemUserId ?? body.UserId,
            UserName = body.UserName,
            ProfileId = body.ProfileId,
        });
    }

    private static object TokenJson(EmulatorState state, MintedToken token)
    {
        var r = token.Record;
        return new
        {
            token.AccessToken,
            Type = DebugTokenData.TypeName(r.Kind),
            r.Kind,
            r.AppId,
            r.UserId,
            r.ProfileId,
            Lifetime = r.Lifetime.ToString(),
            IssuedAt = r.IssuedAt.ToUnixTimeSeconds(),
            ExpiresAt = r.ExpiresAt?.ToUnixTimeSeconds() ?? 0,
            ExpiresIn = r.ExpiresAt is { } e ? (long?)(e - state.Clock.GetUtcNow()).TotalSeconds : null,
            r.Scopes,
            r.WabaIds,
            r.PhoneNumberIds,
            r.Fingerprint,
        };
    }

    private static object AppJson(EmulatorApp app) => new { app.Id, app.Secret, app.Name, RequireAppsecretProof = app.RequireAppSecretProof };

    private static object ClockJson(EmulatorClock clock)
    {
        var now = clock.GetUtcNow();
        return new
        {
            Now = now.ToUnixTimeSeconds(),
            Iso = now.ToString("O", CultureInfo.InvariantCulture),
            OffsetSeconds = clock.Offset.TotalSeconds,
            clock.Speed,
        };
    }

    /// <summary>Applies the keys present in the body to the settings object (others keep their value).</summary>
    private static async Task UpdateSettingsAsync(HttpContext http, EmulatorSettings settings)
    {
        var patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
            ?? throw new JsonException("Send a JSON object of settings.");
        var properties = typeof(EmulatorSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => EmulatorJson.Options.PropertyNamingPolicy!.ConvertName(p.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in patch)
        {
            if (!properties.TryGetValue(key, out var property))
            {
                throw new JsonException($"Unknown setting '{key}'.");
            }

            property.SetValue(settings, value.Deserialize(property.PropertyType, EmulatorJson.Options));
        }
    }

    private static Delegate Body<T>(Func<T, IResult> action)
        where T : class => (HttpContext http) => Handle(http, action);

    private static async Task<IResult> Handle<T>(HttpContext http, Func<T, IResult> action)
        where T : class
    {
        try
        {
            T? body = null;
            if (http.Request.ContentLength is null or > 0)
            {
                var text = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
                body = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<T>(text, EmulatorJson.Options);
            }

            body ??= JsonSerializer.Deserialize<T>("{}", EmulatorJson.Options)!;
            return action(body);
        }
        catch (KeyNotFoundException ex)
        {
            return Results.Problem(ex.Message, statusCode: 404);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return Results.Problem(ex.Message, statusCode: 400);
        }
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} is required.") : value;

    private static IResult Json(object? value) => Results.Json(value, EmulatorJson.Options);
}
