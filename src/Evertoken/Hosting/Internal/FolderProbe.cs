namespace Evertoken.Hosting.Internal;

/// <summary>
/// Answers "can this process create files in that folder?" before the store or the key provider try, so a wrong path
/// is a startup problem in the options message rather than a failure on first use. Permission bits alone do not
/// answer it (root ignores them, ACLs and read-only mounts add to them), so it writes and deletes a probe file.
/// </summary>
internal static class FolderProbe
{
    /// <summary>Null when files can be created in <paramref name="folder"/> (or in the folder that would hold it once
    /// created); otherwise why not, in words.</summary>
    public static string? WhyNotWritable(string folder)
    {
        string full;
        try
        {
            full = Path.GetFullPath(folder);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return "it is not a valid path";
        }

        // The nearest folder that exists is where anything new would be created.
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"{existing} is a file, not a folder";
            }

            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return "no part of it exists";
            }

            existing = parent;
        }

        var probe = Path.Combine(existing, $".evertoken-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{existing} is not writable ({e.GetType().Name})";
        }
    }
}
