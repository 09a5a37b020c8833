using System.Net;
using Evertoken.Hosting;
using Microsoft.Extensions.Options;

namespace Evertoken.IntegrationTests.Library;

/// <summary>A wrong configuration stops the host at start, with every problem in one message.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task A_wrong_configuration_fails_at_start_listing_every_problem_in_one_message()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var temp = new TempFolder();
        var notAFolder = Path.Combine(temp.Path, "plain-file");
        await File.WriteAllTextAsync(notAFolder, "x", TestContext.Current.CancellationToken);
        const string BadKey = "this-is-not-a-master-key";

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => LibraryApp.StartAsync(emu, new LibraryApp.Setup
        {
            MasterKey = BadKey,
            Configure = o =>
            {
                o.DatabasePath = Path.Combine(notAFolder, "db", "evertoken.db");
                o.Graph.BaseUrl = new Uri("ftp://graph.example/");
                o.Graph.Version = "25";
                o.Refresh.HardMargin = TimeSpan.FromDays(30);
                o.Tokens.Add(new TokenDefinition { Name = "orphan-secret", Token = "EAAvalue", AppSecret = "s3cret" });
                o.Tokens.Add(new TokenDefinition { Name = "main", Token = "EAAother" });
            },
        }));

        var message = failure.Message;
        message.ShouldSatisfyAllConditions(
            () => message.ShouldContain("cannot be created"),
            () => message.ShouldContain("is a file"),
            () => message.ShouldContain("MasterKey.Key"),
            () => message.ShouldContain("Graph.BaseUrl must be an absolute http(s) URL"),
            () => message.ShouldContain("Graph.Version must look like v25.0"),
            () => message.ShouldContain("Refresh.RenewWhenLeft"),
            () => message.ShouldContain("Token 'orphan-secret': AppSecret is set but AppId is not"),
            () => message.ShouldContain("Token 'main': the name is used twice"));
        failure.Failures.Count().ShouldBe(7);
        message.ShouldNotContain(BadKey);
        message.ShouldNotContain("s3cret");
    }

    [Fact]
    public async Task The_in_memory_store_needs_no_data_folder_nor_master_key()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        using var temp = new TempFolder();
        var notAFolder = Path.Combine(temp.Path, "plain-file");
        await File.WriteAllTextAsync(notAFolder, "x", TestContext.Current.CancellationToken);

        await using var app = await LibraryApp.StartAsync(emu, new LibraryApp.Setup
        {
            MasterKey = "",
            Configure = o =>
            {
                o.Store = StoreKind.InMemory;
                o.DataFolder = Path.Combine(notAFolder, "never-used");
            },
        });

        using var response = await app.GetPhoneAsync(emu.Sample.PhoneNumberId);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Directory.Exists(Path.Combine(notAFolder, "never-used")).ShouldBeFalse();
    }
}
