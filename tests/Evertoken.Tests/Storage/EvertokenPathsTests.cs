using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

public sealed class EvertokenPathsTests
{
    [Fact]
    public void EVERTOKEN_DATA_wins()
    {
        var folder = EvertokenPaths.GetDataFolder(new Dictionary<string, string>
        {
            ["EVERTOKEN_DATA"] = "/srv/evertoken",
            ["XDG_DATA_HOME"] = "/home/me/.data",
            ["HOME"] = "/home/me",
        }.GetValueOrDefault);

        folder.ShouldBe(Path.GetFullPath("/srv/evertoken"));
    }

    [Fact]
    public void XDG_DATA_HOME_comes_next()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths");

        EvertokenPaths.GetDataFolder(new Dictionary<string, string> { ["XDG_DATA_HOME"] = "/home/me/.data", ["HOME"] = "/home/me" }.GetValueOrDefault)
            .ShouldBe("/home/me/.data/evertoken");
    }

    [Fact]
    public void Otherwise_the_folder_is_under_the_home_local_share_ignoring_a_relative_XDG_DATA_HOME()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix paths");

        EvertokenPaths.GetDataFolder(new Dictionary<string, string> { ["XDG_DATA_HOME"] = "relative", ["HOME"] = "/home/me" }.GetValueOrDefault)
            .ShouldBe("/home/me/.local/share/evertoken");
    }

    [Fact]
    public void Default_files_live_in_the_data_folder()
    {
        Path.GetDirectoryName(EvertokenPaths.DefaultDatabasePath).ShouldBe(EvertokenPaths.DataFolder);
        Path.GetFileName(EvertokenPaths.DefaultDatabasePath).ShouldBe("evertoken.db");
        Path.GetFileName(EvertokenPaths.DefaultMasterKeyFile).ShouldBe("master.key");
        new SqliteStoreOptions().DatabasePath.ShouldBe(EvertokenPaths.DefaultDatabasePath);
    }
}
