using System.Collections.Concurrent;

namespace Evertoken.Emulator;

/// <summary>A system user of a business, and the apps installed for it.</summary>
public sealed class EmulatorSystemUser
{
    private readonly ConcurrentDictionary<string, bool> _installedApps = new(StringComparer.Ordinal);

    internal EmulatorSystemUser(string id, string name, string role, string businessId, DateTimeOffset createdTime)
    {
        Id = id;
        Name = name;
        Role = role;
        BusinessId = businessId;
        CreatedTime = createdTime;
    }

    /// <summary>The system user id.</summary>
    public string Id { get; }

    /// <summary>Its name.</summary>
    public string Name { get; }

    /// <summary>
    /// Its role: <c>ADMIN</c> or <c>EMPLOYEE</c>. Meta documents Admin and Employee base roles; the exact spelling in
    /// <c>/system_users</c> is unconfirmed (reference graph-tokens.md §4.5).
    /// </summary>
    public string Role { get; }

    /// <summary>The business it belongs to.</summary>
    public string BusinessId { get; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedTime { get; }

    /// <summary>The apps installed for it (<c>POST /{system-user-id}/applications</c>).</summary>
    public IReadOnlyCollection<string> InstalledAppIds => [.. _installedApps.Keys];

    /// <summary>True when the app is installed for this system user.</summary>
    public bool HasInstalled(string appId) => _installedApps.ContainsKey(appId);

    internal void Install(string appId) => _installedApps[appId] = true;

    /// <inheritdoc />
    public override string ToString() => $"system user {Id} ({Name}, {Role})";
}
