namespace Evertoken.Storage.Internal;

/// <summary>The exceptions both stores throw for misuse, with the same messages.</summary>
internal static class StoreErrors
{
    public static KeyNotFoundException UnknownToken(string name) => new($"No token named '{name}' is stored.");

    public static KeyNotFoundException UnknownVersion(string name, long version) => new($"Token '{name}' has no version {version}.");

    public static InvalidOperationException DuplicateToken(string name) => new($"A token named '{name}' already exists.");

    public static void CheckName(string name, string paramName = "name") => ArgumentException.ThrowIfNullOrWhiteSpace(name, paramName);

    public static void CheckNewToken(NewManagedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        CheckName(token.Name, nameof(token));
        CheckVersion(token.Version);
    }

    public static void CheckVersion(TokenVersionData version)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentException.ThrowIfNullOrEmpty(version.Value, nameof(version));
    }

    public static void CheckApp(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(app.AppId, nameof(app));
    }

    public static void CheckAudit(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action, nameof(entry));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Actor, nameof(entry));
    }

    public static void CheckLimit(int limit) => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
}
