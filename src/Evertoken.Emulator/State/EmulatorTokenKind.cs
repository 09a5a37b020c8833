namespace Evertoken.Emulator;

/// <summary>The kinds of access token the emulator mints; <c>debug_token</c> reports them as <c>type</c>.</summary>
public enum EmulatorTokenKind
{
    /// <summary>A system user's token (<c>SYSTEM_USER</c>), including Embedded Signup business tokens.</summary>
    SystemUser,

    /// <summary>A person's user token (<c>USER</c>): short-lived from login, or 60-day after an exchange.</summary>
    User,

    /// <summary>A Page token (<c>PAGE</c>); <c>debug_token</c> adds <c>profile_id</c>.</summary>
    Page,

    /// <summary>An app token (<c>APP</c>): <c>{app-id}|{opaque}</c> or <c>{app-id}|{app-secret}</c>.</summary>
    App,
}
