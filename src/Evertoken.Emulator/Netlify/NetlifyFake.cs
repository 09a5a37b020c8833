namespace Evertoken.Emulator.Netlify;

/// <summary>
/// The state of a fake Netlify API (accounts, sites, environment variables, builds, build hooks, deploys) served by
/// <see cref="NetlifyFakeEndpoints.MapNetlifyFake"/>, with inspection helpers and failure injection for tests.
/// Thread-safe. Only the calls a token sink makes are modelled, with the shapes of
/// <c>shared/reference/netlify-env.md</c>.
/// </summary>
public sealed class NetlifyFake
{
    /// <summary>The deploy contexts Netlify knows.</summary>
    public static readonly IReadOnlyList<string> Contexts = ["all", "dev", "branch-deploy", "deploy-preview", "production", "branch"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _accountsByToken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _siteAccounts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Site, string Key), Variable> _variables = [];
    private readonly List<Build> _builds = [];
    private readonly Dictionary<string, Deploy> _deploys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Hook> _hooks = new(StringComparer.Ordinal);
    private readonly Queue<InjectedFailure> _failures = new();
    private readonly List<string> _requests = [];

    /// <summary>Creates an empty fake.</summary>
    /// <param name="timeProvider">The clock for <c>updated_at</c>, build times and rate-limit resets; the system clock when null.</param>
    public NetlifyFake(TimeProvider? timeProvider = null) => TimeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>The fake's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Every request received, as <c>METHOD /path?query</c>, in order (headers are not recorded).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Adds an account (team) and a personal access token that may use it. Call again to add tokens.</summary>
    public void AddAccount(string accountId, string accessToken)
    {
        lock (_gate)
        {
            _accounts.Add(accountId);
            if (!_accountsByToken.TryGetValue(accessToken, out var accounts))
            {
                _accountsByToken[accessToken] = accounts = new HashSet<string>(StringComparer.Ordinal);
            }

            accounts.Add(accountId);
        }
    }

    /// <summary>Adds a site to an account.</summary>
    /// <exception cref="InvalidOperationException">The account is unknown.</exception>
    public void AddSite(string accountId, string siteId)
    {
        lock (_gate)
        {
            if (!_accounts.Contains(accountId))
            {
                throw new InvalidOperationException($"Unknown account {accountId}; call AddAccount first.");
            }

            _siteAccounts[siteId] = accountId;
        }
    }

    /// <summary>Creates a build hook for a site and returns its id (the URL is <c>/netlify/build_hooks/{id}</c>).</summary>
    /// <exception cref="InvalidOperationException">The site is unknown.</exception>
    public string AddBuildHook(string siteId)
    {
        lock (_gate)
        {
            if (!_siteAccounts.ContainsKey(siteId))
            {
                throw new InvalidOperationException($"Unknown site {siteId}; call AddSite first.");
            }

            var id = NewId();
            _hooks[id] = new Hook(siteId);
            return id;
        }
    }

    /// <summary>Seeds or overwrites one context's value of a variable (created with all scopes when absent).</summary>
    public void SetVariable(
        string accountId, string? siteId, string key, string context, string value, bool isSecret = false, string? contextParameter = null)
    {
        lock (_gate)
        {
            var id = (accountId, siteId ?? string.Empty, key);
            if (!_variables.TryGetValue(id, out var variable))
            {
                _variables[id] = variable = new Variable(key, ["builds", "functions", "runtime", "post-processing"], isSecret);
            }

            variable.IsSecret = isSecret;
            variable.Set(context, contextParameter ?? string.Empty, value);
            variable.UpdatedAt = TimeProvider.GetUtcNow();
        }
    }

    /// <summary>A variable's stored value in one context (secret or not), or null when there is none.</summary>
    public string? GetValue(string accountId, string? siteId, string key, string context = "production", string? contextParameter = null)
    {
        lock (_gate)
        {
            return _variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable)
                ? variable.Values.FirstOrDefault(v => v.Context == context && v.ContextParameter == (contextParameter ?? string.Empty))?.Value
                : null;
        }
    }

    /// <summary>Whether the variable exists and is secret; null when it does not exist.</summary>
    public bool? IsSecret(string accountId, string? siteId, string key)
    {
        lock (_gate)
        {
            return _variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable) ? variable.IsSecret : null;
        }
    }

    /// <summary>The scopes of a variable, or null when it does not exist.</summary>
    public IReadOnlyList<string>? ScopesOf(string accountId, string? siteId, string key)
    {
        lock (_gate)
        {
            return _variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable) ? [.. variable.Scopes] : null;
        }
    }

    /// <summary>How many builds a site has had (from the builds API and from its build hooks).</summary>
    public int BuildCount(string siteId)
    {
        lock (_gate)
        {
            return _builds.Count(b => b.SiteId == siteId);
        }
    }

    /// <summary>How many times a build hook was called.</summary>
    public int HookCallCount(string hookId)
    {
        lock (_gate)
        {
            return _hooks.TryGetValue(hookId, out var hook) ? hook.Calls : 0;
        }
    }

    /// <summary>Sets the state a deploy reports (<c>new</c>, <c>building</c>, <c>uploading</c>, <c>processing</c>, <c>ready</c>, <c>error</c>).</summary>
    public void SetDeployState(string deployId, string state)
    {
        lock (_gate)
        {
            _deploys[deployId].State = state;
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> requests (any route of the fake, build hooks included) answer
    /// <paramref name="statusCode"/> without doing anything. A 429 carries <c>X-RateLimit-Reset</c>, the Unix time in
    /// seconds <paramref name="retryAfter"/> (default 60 s) from now by the fake's clock.
    /// </summary>
    public void FailNext(int count, int statusCode = 500, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue(new InjectedFailure(statusCode, retryAfter ?? TimeSpan.FromSeconds(60)));
            }
        }
    }

    // ----- used by the endpoints -----

    internal InjectedFailure? Record(string request)
    {
        lock (_gate)
        {
            _requests.Add(request);
            return _failures.TryDequeue(out var failure) ? failure : null;
        }
    }

    internal bool TokenCanUseAccount(string? token, string accountId)
    {
        lock (_gate)
        {
            return token is not null && _accountsByToken.TryGetValue(token, out var accounts) && accounts.Contains(accountId);
        }
    }

    internal string? AccountOfSite(string siteId)
    {
        lock (_gate)
        {
            return _siteAccounts.GetValueOrDefault(siteId);
        }
    }

    internal bool SiteBelongsTo(string? siteId, string accountId)
    {
        lock (_gate)
        {
            return string.IsNullOrEmpty(siteId) || (_siteAccounts.TryGetValue(siteId, out var owner) && owner == accountId);
        }
    }

    internal NetlifyVariableDto? Find(string accountId, string? siteId, string key)
    {
        lock (_gate)
        {
            return _variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable) ? variable.ToDto() : null;
        }
    }

    internal IReadOnlyList<NetlifyVariableDto> List(string accountId, string? siteId, string? contextName)
    {
        lock (_gate)
        {
            return
            [
                .. _variables
                    .Where(v => v.Key.Account == accountId && v.Key.Site == (siteId ?? string.Empty))
                    .Select(v => v.Value)
                    .Where(v => string.IsNullOrEmpty(contextName) || v.Values.Any(x => x.Context == contextName || x.Context == "all"))
                    .OrderBy(v => v.Key, StringComparer.Ordinal)
                    .Select(v => v.ToDto()),
            ];
        }
    }

    /// <summary>Creates variables; returns the created ones, or an error message when one key exists already.</summary>
    internal (IReadOnlyList<NetlifyVariableDto>? Created, string? Error) Create(
        string accountId, string? siteId, IReadOnlyList<(string Key, List<string> Scopes, List<ValueInput> Values, bool IsSecret)> inputs)
    {
        lock (_gate)
        {
            foreach (var input in inputs)
            {
                if (_variables.ContainsKey((accountId, siteId ?? string.Empty, input.Key)))
                {
                    return (null, $"Environment variable {input.Key} already exists");
                }
            }

            var created = new List<NetlifyVariableDto>();
            foreach (var input in inputs)
            {
                var variable = new Variable(input.Key, input.Scopes, input.IsSecret) { UpdatedAt = TimeProvider.GetUtcNow() };
                foreach (var value in input.Values)
                {
                    variable.Set(value.Context, value.ContextParameter, value.Value);
                }

                _variables[(accountId, siteId ?? string.Empty, input.Key)] = variable;
                created.Add(variable.ToDto());
            }

            return (created, null);
        }
    }

    internal NetlifyVariableDto? SetValue(string accountId, string? siteId, string key, ValueInput value)
    {
        lock (_gate)
        {
            if (!_variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable))
            {
                return null;
            }

            variable.Set(value.Context, value.ContextParameter, value.Value);
            variable.UpdatedAt = TimeProvider.GetUtcNow();
            return variable.ToDto();
        }
    }

    internal NetlifyVariableDto? Replace(string accountId, string? siteId, string key, List<string> scopes, List<ValueInput> values, bool isSecret)
    {
        lock (_gate)
        {
            if (!_variables.ContainsKey((accountId, siteId ?? string.Empty, key)))
            {
                return null;
            }

            var variable = new Variable(key, scopes, isSecret) { UpdatedAt = TimeProvider.GetUtcNow() };
            foreach (var value in values)
            {
                variable.Set(value.Context, value.ContextParameter, value.Value);
            }

            _variables[(accountId, siteId ?? string.Empty, key)] = variable;
            return variable.ToDto();
        }
    }

    internal bool Delete(string accountId, string? siteId, string key)
    {
        lock (_gate)
        {
            return _variables.Remove((accountId, siteId ?? string.Empty, key));
        }
    }

    internal bool DeleteValue(string accountId, string? siteId, string key, string valueId)
    {
        lock (_gate)
        {
            return _variables.TryGetValue((accountId, siteId ?? string.Empty, key), out var variable)
                && variable.Values.RemoveAll(v => v.Id == valueId) > 0;
        }
    }

    internal NetlifyBuildDto StartBuild(string siteId)
    {
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            var build = new Build(NewId(), siteId, NewId(), now);
            _builds.Add(build);
            _deploys[build.DeployId] = new Deploy(build.DeployId, siteId, build.Id, now) { State = "building" };
            return build.ToDto();
        }
    }

    internal IReadOnlyList<NetlifyBuildDto> BuildsOf(string siteId)
    {
        lock (_gate)
        {
            return [.. _builds.Where(b => b.SiteId == siteId).Reverse().Select(b => b.ToDto())];
        }
    }

    internal NetlifyDeployDto? FindDeploy(string siteId, string deployId)
    {
        lock (_gate)
        {
            return _deploys.TryGetValue(deployId, out var deploy) && deploy.SiteId == siteId
                ? new NetlifyDeployDto(deploy.Id, deploy.SiteId, deploy.BuildId, deploy.State, "production", deploy.CreatedAt)
                : null;
        }
    }

    internal bool CallHook(string hookId)
    {
        lock (_gate)
        {
            if (!_hooks.TryGetValue(hookId, out var hook))
            {
                return false;
            }

            hook.Calls++;
            StartBuild(hook.SiteId);
            return true;
        }
    }

    // Netlify ids are 24 hexadecimal characters.
    private static string NewId() => Guid.NewGuid().ToString("N")[..24];

    internal sealed record InjectedFailure(int StatusCode, TimeSpan RetryAfter);

    internal sealed record ValueInput(string Context, string ContextParameter, string Value);

    private sealed class Variable(string key, List<string> scopes, bool isSecret)
    {
        public string Key { get; } = key;

        public List<string> Scopes { get; } = scopes;

        public bool IsSecret { get; set; } = isSecret;

        public List<StoredValue> Values { get; } = [];

        public DateTimeOffset UpdatedAt { get; set; }

        public void Set(string context, string contextParameter, string value)
        {
            var existing = Values.FirstOrDefault(v => v.Context == context && v.ContextParameter == contextParameter);
            if (existing is null)
            {
                Values.Add(new StoredValue(NewId(), context, contextParameter) { Value = value });
            }
            else
            {
                existing.Value = value;
            }
        }

        public NetlifyVariableDto ToDto() => new(
            Key,
            [.. Scopes],
            [.. Values.Select(v => new NetlifyValueDto(v.Id, IsSecret ? null : v.Value, v.Context, v.ContextParameter))],
            IsSecret,
            UpdatedAt);
    }

    private sealed class StoredValue(string id, string context, string contextParameter)
    {
        public string Id { get; } = id;

        public string Context { get; } = context;

        public string ContextParameter { get; } = contextParameter;

        public string Value { get; set; } = string.Empty;
    }

    private sealed record Build(string Id, string SiteId, string DeployId, DateTimeOffset CreatedAt)
    {
        public NetlifyBuildDto ToDto() => new(Id, DeployId, null, false, null, CreatedAt);
    }

    private sealed class Deploy(string id, string siteId, string buildId, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        public string SiteId { get; } = siteId;

        public string BuildId { get; } = buildId;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string State { get; set; } = "new";
    }

    private sealed class Hook(string siteId)
    {
        public string SiteId { get; } = siteId;

        public int Calls { get; set; }
    }
}
