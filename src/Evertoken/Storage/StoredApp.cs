namespace Evertoken.Storage;

/// <summary>A Meta app: its id, its secret (decrypted in memory only) and a display name.</summary>
public sealed record StoredApp(string AppId, string? AppSecret, string? Name = null)
{
    /// <inheritdoc />
    public override string ToString() => $"StoredApp {{ AppId = {AppId}, Name = {Name}, AppSecret = {(AppSecret is null ? "(none)" : "***")} }}";
}
