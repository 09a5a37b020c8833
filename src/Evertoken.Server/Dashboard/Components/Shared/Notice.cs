namespace Evertoken.Server.Dashboard.Components.Shared;

/// <summary>A message on a page: a tone for colour and a word that says the same without colour.</summary>
internal sealed record Notice(string Tone, string Word, string Text)
{
    public static Notice Ok(string word, string text) => new("ok", word, text);

    public static Notice Warn(string word, string text) => new("warn", word, text);

    public static Notice Bad(string word, string text) => new("bad", word, text);
}
