using Evertoken.Tokens;
using PublicApiGenerator;

namespace Evertoken.Tests.PublicApi;

/// <summary>
/// The library's public API, snapshot in <c>Evertoken.approved.txt</c> beside this file, so every change to it shows up
/// as a diff in review. On a mismatch the test writes <c>Evertoken.received.txt</c> next to the approved file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_API_of_the_library_matches_the_approved_snapshot()
    {
        var actual = Normalize(typeof(TokenKeeper).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // Assembly attributes carry build details (repository URL, commit); the API is the types.
            IncludeAssemblyAttributes = false,
            // The DI extensions live in Microsoft.Extensions.DependencyInjection, which the default filter leaves out.
            DenyNamespacePrefixes = [],
        }));
        var folder = Path.Combine(FindRepositoryRoot(), "tests", "Evertoken.Tests", "PublicApi");
        var approvedFile = Path.Combine(folder, "Evertoken.approved.txt");
        var receivedFile = Path.Combine(folder, "Evertoken.received.txt");
        var approved = File.Exists(approvedFile) ? Normalize(File.ReadAllText(approvedFile)) : "";

        if (actual == approved)
        {
            File.Delete(receivedFile);
            return;
        }

        File.WriteAllText(receivedFile, actual);
        Assert.Fail(
            $"The public API of the Evertoken library changed. The new API is in {receivedFile}; compare it with {approvedFile} " +
            "(e.g. `diff -u` them). If the change is intended, copy the received file over the approved one and commit it.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Evertoken.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Evertoken.slnx above {AppContext.BaseDirectory}: the snapshot test reads the source tree.");
    }
}
