namespace Evertoken.Sinks.Internal;

/// <summary>Removes known secrets from text that came from elsewhere (an API's error message) before we repeat it.</summary>
internal static class Redactor
{
    /// <summary>Replaces each non-empty secret in <paramref name="text"/> with <c>(redacted)</c> and caps its length.</summary>
    public static string Clean(string? text, int maxLength, params ReadOnlySpan<string?> secrets)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "(redacted)", StringComparison.Ordinal);
            }
        }

        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= maxLength ? text : text[..maxLength] + "…";
    }
}
