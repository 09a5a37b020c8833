namespace Evertoken.Tokens;

/// <summary>The kind of a Meta access token, as <c>debug_token</c> reports it in <c>data.type</c>.</summary>
public enum TokenKind
{
    /// <summary>Not known: the token could not be parsed, or was never checked.</summary>
    Unknown,

    /// <summary><c>USER</c>: a person's token (Graph Explorer, the API Setup page, Facebook Login). Short-lived (1-2 h) or 60 days.</summary>
    User,

    /// <summary><c>PAGE</c>: a Page token.</summary>
    Page,

    /// <summary><c>APP</c>: <c>{app-id}|{secret}</c>; never expires until the app secret is reset.</summary>
    App,

    /// <summary><c>SYSTEM_USER</c>: a Business Manager system user's token; never-expiring or 60 days.</summary>
    SystemUser,
}
