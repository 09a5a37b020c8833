namespace Evertoken.Sinks;

/// <summary>Reads a <c>.env</c> file (with DotNetEnv) into a dictionary, without touching the process environment.</summary>
public static class DotEnvReader
{
    /// <summary>The variables of the file, or an empty dictionary when it does not exist. Later duplicates win.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in DotNetEnv.Env.NoEnvVars().NoClobber().Load(path))
        {
            result[pair.Key] = pair.Value;
        }

        return result;
    }

    /// <summary>The variables of <c>.env</c> text (e.g. pasted into the API). Later duplicates win.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string contents)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in DotNetEnv.Env.LoadContents(contents ?? "", DotNetEnv.Env.NoEnvVars().NoClobber()))
        {
            result[pair.Key] = pair.Value;
        }

        return result;
    }
}
