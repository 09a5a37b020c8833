using System.IO.Compression;
using System.Xml.Linq;

namespace Evertoken.IntegrationTests.Library;

/// <summary>
/// <c>dotnet pack</c> of the solution gives the library package and the tool package, and the tool installs from
/// them and runs. Slow (it packs and installs), so it runs only with <c>EVERTOKEN_TEST_PACK=1</c> (eng/test.sh sets it),
/// after the solution was built in the test's configuration.
/// </summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Packing_the_solution_gives_Evertoken_Core_with_symbols_and_an_installable_evertoken_tool()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("EVERTOKEN_TEST_PACK") == "1", "Set EVERTOKEN_TEST_PACK=1 to pack and install the packages.");
        using var temp = new TempFolder();
        var packages = Path.Combine(temp.Path, "packages");

        using (var pack = ChildProcess.Start(ChildProcess.DotnetHost,
            ["pack", Path.Combine(RepoPaths.Root, "Evertoken.slnx"), "-c", RepoPaths.Configuration, "--no-build", "-o", packages], RepoPaths.Root))
        {
            (await pack.WaitForExitAsync(TimeSpan.FromMinutes(8))).ShouldBe(0, pack.Output);
        }

        var library = Directory.GetFiles(packages, "Evertoken.Core.*.nupkg").ShouldHaveSingleItem();
        var version = Path.GetFileNameWithoutExtension(library)["Evertoken.Core.".Length..];
        File.Exists(Path.Combine(packages, $"Evertoken.Core.{version}.snupkg")).ShouldBeTrue();
        File.Exists(Path.Combine(packages, $"evertoken.{version}.nupkg")).ShouldBeTrue("the tool package has the same version");
        Directory.GetFiles(packages, "*.nupkg").Length.ShouldBe(2, string.Join(", ", Directory.GetFiles(packages).Select(Path.GetFileName)));

        using (var zip = ZipFile.OpenRead(library))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            entries.ShouldContain("lib/net10.0/Evertoken.dll");
            entries.ShouldContain("lib/net10.0/Evertoken.xml");
            entries.ShouldContain("README.md");
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Meta(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Meta("id").ShouldBe("Evertoken.Core");
            Meta("readme").ShouldBe("README.md");
            Meta("license").ShouldBe("MIT");
            Meta("version").ShouldBe(version);
        }

        // The tool installs from the local folder only (no other source is consulted) and runs.
        var config = Path.Combine(temp.Path, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """, TestContext.Current.CancellationToken);
        var tools = Path.Combine(temp.Path, "tools");
        using (var install = ChildProcess.Start(ChildProcess.DotnetHost,
            ["tool", "install", "evertoken", "--tool-path", tools, "--version", version, "--configfile", config], temp.Path))
        {
            (await install.WaitForExitAsync(TimeSpan.FromMinutes(5))).ShouldBe(0, install.Output);
        }

        var dotnetRoot = Path.GetDirectoryName(Path.GetFullPath(ChildProcess.DotnetHost));
        var environment = ChildProcess.DotnetHost != "dotnet" && dotnetRoot is not null ? new Dictionary<string, string> { ["DOTNET_ROOT"] = dotnetRoot } : null;
        using var help = ChildProcess.Start(Path.Combine(tools, OperatingSystem.IsWindows() ? "evertoken.exe" : "evertoken"), ["--help"], temp.Path, environment);
        (await help.WaitForExitAsync(TimeSpan.FromMinutes(2))).ShouldBe(0, help.Output);
        help.Output.ShouldContain("serve");
        help.Output.ShouldContain("doctor");
    }
}
