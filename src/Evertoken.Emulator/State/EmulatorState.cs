using System.Collections.Concurrent;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator;

/// <summary>
/// The emulated world: apps, businesses, system users, WABAs, phone numbers, tokens, Embedded Signup codes, plus the
/// clock, settings, faults and the call log. Thread-safe. Partial so other parts of the emulator (message sending,
/// Netlify) can keep their own state in their own files; <see cref="GetOrAddExtension{T}"/> serves the same purpose
/// from outside the assembly.
/// </summary>
public sealed partial class EmulatorState
{
    private readonly ConcurrentDictionary<string, EmulatorApp> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorBusiness> _businesses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorSystemUser> _systemUsers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorWaba> _wabas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatorPhoneNumber> _phoneNumbers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _phoneNumberOrder = new();
    private readonly ConcurrentDictionary<string, TokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SignupCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _redeemedCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _usedIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, object> _extensions = new();

    /// <summary>Creates an empty world.</summary>
    /// <param name="clock">The emulator clock. Default: real time.</param>
    public EmulatorState(EmulatorClock? clock = null)
    {
        Clock = clock ?? new EmulatorClock();
    }

    /// <summary>The emulator clock: every issue and expiry time reads it.</summary>
    public EmulatorClock Clock { get; }

    /// <summary>The behaviour switches, read at every call.</summary>
    public EmulatorSettings Settings { get; } = new();

    internal FaultRegistry Faults { get; } = new();

    internal CallLog CallLog { get; } = new();

    /// <summary>The recorded Graph calls, oldest first (same as <c>GET /_emulator/calls</c>).</summary>
    public IReadOnlyList<RecordedCall> Calls => CallLog.Snapshot();

    /// <summary>The apps.</summary>
    public IReadOnlyCollection<EmulatorApp> Apps => [.. _apps.Values];

    /// <summary>The businesses.</summary>
    public IReadOnlyCollection<EmulatorBusiness> Businesses => [.. _businesses.Values];

    /// <summary>The system users.</summary>
    public IReadOnlyCollection<EmulatorSystemUser> SystemUsers => [.. _systemUsers.Values];

    /// <summary>The WABAs.</summary>
    public IReadOnlyCollection<EmulatorWaba> Wabas => [.. _wabas.Values];

    /// <summary>A fresh numeric id of <paramref name="digits"/> digits (default 15) never handed out before.</summary>
    public string NewId(int digits = 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        while (true)
        {
            var id = RandomText.NumericId(digits);
            if (_usedIds.TryAdd(id, true))
            {
                return id;
            }
        }
    }

    /// <summary>Creates an app with a fresh id and secret unless given.</summary>
    /// <param name="name">Display name. Default "Emulated App".</param>
    /// <param name="requireAppSecretProof">The "Require App Secret" switch. Default false.</param>
    /// <param name="id">The app id. Default: a fresh 15-digit id.</param>
    /// <param name="secret">The app secret. Default: 32 random hex characters.</param>
    /// <exception cref="InvalidOperationException">When an app with that id exists.</exception>
    public EmulatorApp CreateApp(string? name = null, bool requireAppSecretProof = false, string? id = null, string? secret = null)
    {
        var app = new EmulatorApp(Claim(id, 15), secret ?? RandomText.AppSecret(), name ?? "Emulated App")
        {
            RequireAppSecretProof = requireAppSecretProof,
        };
        return _apps.TryAdd(app.Id, app) ? app : throw new InvalidOperationException($"App {app.Id} already exists.");
    }

    /// <summary>Creates a business.</summary>
    public EmulatorBusiness CreateBusiness(string? name = null, string? id = null)
    {
        var business = new EmulatorBusiness(Claim(id, 15), name ?? "Emulated Business");
        return _businesses.TryAdd(business.Id, business) ? business : throw new InvalidOperationException($"Business {business.Id} already exists.");
    }

    /// <summary>Creates a system user in a business.</summary>
    /// <param name="businessId">An existing business.</param>
    /// <param name="name">Its name. Default "Emulated System User".</param>
    /// <param name="role"><c>ADMIN</c> (default) or <c>EMPLOYEE</c>.</param>
    /// <param name="id">Its id. Default: a fresh 15-digit id.</param>
    /// <exception cref="KeyNotFoundException">When the business does not exist.</exception>
    public EmulatorSystemUser CreateSystemUser(string businessId, string? name = null, string role = "ADMIN", string? id = null)
    {
        Require(_businesses, businessId, "Business");
        var user = new EmulatorSystemUser(Claim(id, 15), name ?? "Emulated System User", role.ToUpperInvariant(), businessId, Clock.GetUtcNow());
        return _systemUsers.TryAdd(user.Id, user) ? user : throw new InvalidOperationException($"System user {user.Id} already exists.");
    }

    /// <summary>Installs an app for a system user (what <c>POST /{system-user-id}/applications</c> does).</summary>
    /// <exception cref="KeyNotFoundException">When the system user or the app does not exist.</exception>
    public void InstallApp(string systemUserId, string appId)
    {
        Require(_apps, appId, "App");
        Require(_systemUsers, systemUserId, "System user").Install(appId);
    }

    /// <summary>Creates a WhatsApp Business Account owned by a business.</summary>
    /// <exception cref="KeyNotFoundException">When the business does not exist.</exception>
    public EmulatorWaba CreateWaba(string businessId, string? name = null, string? id = null)
    {
        Require(_businesses, businessId, "Business");
        var waba = new EmulatorWaba(Claim(id, 15), name ?? "Emulated WhatsApp Business Account", businessId);
        return _wabas.TryAdd(waba.Id, waba) ? waba : throw new InvalidOperationException($"WABA {waba.Id} already exists.");
    }

    /// <summary>Adds a phone number to a WABA; the other fields take <see cref="EmulatorPhoneNumber"/>'s defaults.</summary>
    /// <exception cref="KeyNotFoundException">When the WABA does not exist.</exception>
    public EmulatorPhoneNumber AddPhoneNumber(string wabaId, string displayPhoneNumber, string? verifiedName = null, string? id = null)
    {
        Require(_wabas, wabaId, "WABA");
        var number = new EmulatorPhoneNumber { Id = Claim(id, 15), WabaId = wabaId, DisplayPhoneNumber = displayPhoneNumber };
        if (verifiedName is not null)
        {
            number = number with { VerifiedName = verifiedName };
        }

        return PutPhoneNumber(number);
    }

    /// <summary>Adds or replaces a phone number (use a <c>with</c> expression on an existing one to change fields).</summary>
    /// <exception cref="KeyNotFoundException">When its WABA does not exist.</exception>
    public EmulatorPhoneNumber PutPhoneNumber(EmulatorPhoneNumber number)
    {
        ArgumentNullException.ThrowIfNull(number);
        Require(_wabas, number.WabaId, "WABA");
        _usedIds.TryAdd(number.Id, true);
        if (_phoneNumbers.TryAdd(number.Id, number))
        {
            _phoneNumberOrder.Enqueue(number.Id);
        }
        else
        {
            _phoneNumbers[number.Id] = number;
        }

        return number;
    }

    /// <summary>Subscribes an app to a WABA's webhooks.</summary>
    /// <exception cref="KeyNotFoundException">When the WABA or app does not exist.</exception>
    public void SubscribeApp(string wabaId, string appId, string? overrideCallbackUri = null, string? verifyToken = null)
    {
        Require(_apps, appId, "App");
        Require(_wabas, wabaId, "WABA").Subscribe(new WabaSubscription(appId, overrideCallbackUri, verifyToken));
    }

    /// <summary>Removes an app's subscription; false when it was not subscribed.</summary>
    public bool UnsubscribeApp(string wabaId, string appId) => FindWaba(wabaId)?.Unsubscribe(appId) ?? false;

    /// <summary>Mints a token as Meta would issue it, timed by the emulator clock.</summary>
    /// <returns>The token value and its record.</returns>
    /// <exception cref="KeyNotFoundException">When the app does not exist.</exception>
    public MintedToken MintToken(TokenSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var app = Require(_apps, spec.AppId, "App");
        var systemUser = spec.Kind == EmulatorTokenKind.SystemUser && spec.UserId is { } su ? FindSystemUser(su) : null;
        while (true)
        {
            var value = spec.Kind == EmulatorTokenKind.App ? $"{app.Id}|{RandomText.AppTokenSignature()}" : RandomText.EaaToken();
            var record = new TokenRecord(spec.Kind, app, spec.Lifetime, Clock.GetUtcNow(), Fingerprint.Of(value))
            {
                UserId = spec.Kind == EmulatorTokenKind.App ? null : spec.UserId ?? NewId(spec.Kind == EmulatorTokenKind.SystemUser ? 15 : 16),
                UserName = spec.Kind == EmulatorTokenKind.App ? null : spec.UserName ?? systemUser?.Name ?? "Sample User",
                ProfileId = spec.Kind == EmulatorTokenKind.Page ? spec.ProfileId ?? NewId(15) : null,
                BusinessId = systemUser?.BusinessId,
                Scopes = spec.Kind == EmulatorTokenKind.App ? [] : [.. spec.Scopes.Distinct(StringComparer.Ordinal)],
                WabaIds = [.. spec.WabaIds ?? []],
                PhoneNumberIds = [.. spec.PhoneNumberIds ?? []],
            };
            if (_tokens.TryAdd(value, record))
            {
                return new MintedToken(value, record);
            }
        }
    }

    /// <summary>Mints a token of the same kind, user, scopes and targets as <paramref name="source"/> with a new lifetime.</summary>
    internal MintedToken MintLike(TokenRecord source, TokenLifetime lifetime) => MintToken(new TokenSpec
    {
        AppId = source.AppId,
        Kind = source.Kind,
        Lifetime = lifetime,
        Scopes = source.Scopes,
        WabaIds = source.WabaIds,
        PhoneNumberIds = source.PhoneNumberIds,
        UserId = source.UserId,
        UserName = source.UserName,
        ProfileId = source.ProfileId,
    });

    /// <summary>The record of a minted token, or null when the value is unknown.</summary>
    public TokenRecord? FindToken(string token) => _tokens.GetValueOrDefault(token);

    /// <summary>
    /// Invalidates a token at once. Graph then reports it as code 190 with this subcode: 460 (password changed),
    /// 463 (expired), 466 (revoked through an API call), 467 (logged out) or 458 (app not authorized).
    /// </summary>
    /// <returns>False when the token is unknown.</returns>
    /// <exception cref="ArgumentOutOfRangeException">For another subcode.</exception>
    public bool Invalidate(string token, int subcode)
    {
        if (!GraphErrors.InvalidationSubcodes.Contains(subcode))
        {
            throw new ArgumentOutOfRangeException(nameof(subcode), subcode, "Use 458, 460, 463, 466 or 467.");
        }

        if (FindToken(token) is not { } record)
        {
            return false;
        }

        record.Invalidate(subcode, Clock.GetUtcNow());
        return true;
    }

    /// <summary>Mints an Embedded Signup code, valid once for 10 minutes.</summary>
    /// <exception cref="KeyNotFoundException">When the app does not exist.</exception>
    public SignupCode MintCode(string appId, string? businessId = null, IReadOnlyList<string>? wabaIds = null, IReadOnlyList<string>? scopes = null)
    {
        Require(_apps, appId, "App");
        var code = new SignupCode
        {
            Code = RandomText.SignupCode(),
            AppId = appId,
            BusinessId = businessId,
            WabaIds = wabaIds ?? [],
            Scopes = scopes ?? ["whatsapp_business_management", "whatsapp_business_messaging"],
            ExpiresAt = Clock.GetUtcNow().AddMinutes(10),
        };
        _codes[code.Code] = code;
        return code;
    }

    /// <summary>Takes a code out of circulation: the code when it is good, or whether it was already used.</summary>
    internal (SignupCode? Code, bool AlreadyUsed) RedeemCode(string code)
    {
        if (!_codes.TryGetValue(code, out var found))
        {
            return (null, false);
        }

        if (!_redeemedCodes.TryAdd(code, true))
        {
            return (null, true);
        }

        return found.ExpiresAt <= Clock.GetUtcNow() ? (null, false) : (found, false);
    }

    /// <summary>An app by id, or null.</summary>
    public EmulatorApp? FindApp(string id) => _apps.GetValueOrDefault(id);

    /// <summary>A business by id, or null.</summary>
    public EmulatorBusiness? FindBusiness(string id) => _businesses.GetValueOrDefault(id);

    /// <summary>A system user by id, or null.</summary>
    public EmulatorSystemUser? FindSystemUser(string id) => _systemUsers.GetValueOrDefault(id);

    /// <summary>A WABA by id, or null.</summary>
    public EmulatorWaba? FindWaba(string id) => _wabas.GetValueOrDefault(id);

    /// <summary>A phone number by id, or null.</summary>
    public EmulatorPhoneNumber? FindPhoneNumber(string id) => _phoneNumbers.GetValueOrDefault(id);

    /// <summary>A WABA's phone numbers in the order they were added.</summary>
    public IReadOnlyList<EmulatorPhoneNumber> PhoneNumbersOf(string wabaId) =>
        [.. _phoneNumberOrder.Select(id => _phoneNumbers[id]).Where(n => n.WabaId == wabaId)];

    /// <summary>A business's system users.</summary>
    public IReadOnlyList<EmulatorSystemUser> SystemUsersOf(string businessId) =>
        [.. _systemUsers.Values.Where(u => u.BusinessId == businessId).OrderBy(u => u.CreatedTime).ThenBy(u => u.Id, StringComparer.Ordinal)];

    /// <summary>Adds a fault for Graph calls; returns its id.</summary>
    public string AddFault(FaultSpec fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return Faults.Add(fault);
    }

    /// <summary>Removes every fault.</summary>
    public void ClearFaults() => Faults.Clear();

    /// <summary>Forgets the recorded calls (sequence numbers keep growing).</summary>
    public void ClearCalls() => CallLog.Clear();

    /// <summary>Per-world state for an extension (one instance per type), created on first use.</summary>
    public T GetOrAddExtension<T>(Func<T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return (T)_extensions.GetOrAdd(typeof(T), _ => factory());
    }

    private string Claim(string? id, int digits)
    {
        if (id is null)
        {
            return NewId(digits);
        }

        _usedIds.TryAdd(id, true);
        return id;
    }

    private static T Require<T>(ConcurrentDictionary<string, T> map, string id, string what) =>
        map.TryGetValue(id, out var value) ? value : throw new KeyNotFoundException($"{what} {id} does not exist.");
}
