using System.Security.Cryptography;
using Evertoken.Hosting;
using Evertoken.Storage;
using Evertoken.Tests.Storage;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.Library;

public sealed class EvertokenOptionsValidatorTests : IDisposable
{
    private static readonly string ValidKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Defaults_with_a_writable_data_folder_and_a_key_are_valid()
    {
        Validate(CreateSut()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = CreateSut();
        options.Graph.BaseUrl = new Uri("/relative", UriKind.Relative);
        options.Graph.Version = "latest";
        options.Worker.Interval = TimeSpan.Zero;
        options.Worker.Concurrency = 0;
        options.Tokens.Add(new TokenDefinition { Name = "", Token = "EAAx" });
        options.Sinks.Add(new SinkConfiguration { Name = "s", Token = "main", Type = "ftp" });

        var result = Validate(options);

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldBe(
        [
            "Graph.BaseUrl must be an absolute http(s) URL.",
            "Graph.Version must look like v25.0 (was 'latest').",
            "Worker.Interval must be positive.",
            "Worker.Concurrency must be at least 1 (was 0).",
            "Tokens[0]: Name is required.",
            "Sink 's': Type must be dotenv, netlify or webhook (was 'ftp').",
        ]);
    }

    [Fact]
    public void A_malformed_master_key_is_an_options_problem_that_never_shows_the_key()
    {
        var options = CreateSut();
        options.MasterKey.Key = "c2hvcnQta2V5";
        options.MasterKey.PreviousKeys = ["not base64 !!"];

        var failures = Validate(options).Failures!.ToList();

        failures.Count.ShouldBe(2);
        failures.ShouldContain(f => f.Contains("MasterKey.Key") && f.Contains("decodes to 9 bytes"));
        failures.ShouldContain(f => f.Contains("MasterKey.PreviousKeys[0]") && f.Contains("not base64"));
        failures.ShouldAllBe(f => !f.Contains("c2hvcnQta2V5") && !f.Contains("not base64 !!"));
    }

    [Fact]
    public void A_malformed_key_file_is_reported_and_a_missing_one_in_a_writable_folder_is_fine()
    {
        var options = CreateSut();
        options.MasterKey.Key = null;
        Validate(options).Succeeded.ShouldBeTrue();
        File.Exists(options.ResolvedMasterKeyFile).ShouldBeFalse("validation only probes, the key provider creates the file");

        File.WriteAllText(options.ResolvedMasterKeyFile, "garbage");

        Validate(options).Failures.ShouldHaveSingleItem().ShouldContain($"master key file {options.ResolvedMasterKeyFile} is not valid");
    }

    [Fact]
    public void A_database_or_key_file_under_a_plain_file_cannot_be_created()
    {
        var file = _temp.File("plain");
        File.WriteAllText(file, "x");
        var options = CreateSut();
        options.DataFolder = Path.Combine(file, "data");
        options.MasterKey.Key = null;

        var failures = Validate(options).Failures!.ToList();

        failures.Count.ShouldBe(2);
        failures[0].ShouldStartWith($"The SQLite database {Path.Combine(file, "data", "evertoken.db")} cannot be created: {file} is a file, not a folder.");
        failures[1].ShouldStartWith($"No master key is configured and the key file {Path.Combine(file, "data", "master.key")} cannot be created");
    }

    [Fact]
    public void A_database_path_that_is_a_folder_is_reported()
    {
        var options = CreateSut();
        options.DatabasePath = _temp.Path;

        Validate(options).Failures.ShouldHaveSingleItem().ShouldContain("is a folder");
    }

    [Fact]
    public void The_in_memory_store_needs_neither_a_writable_folder_nor_a_master_key()
    {
        var file = _temp.File("plain");
        File.WriteAllText(file, "x");
        var options = CreateSut();
        options.Store = StoreKind.InMemory;
        options.DataFolder = Path.Combine(file, "data");
        options.MasterKey.Key = "not a key";

        Validate(options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Postgres_needs_a_connection_string()
    {
        var options = CreateSut();
        options.Store = StoreKind.Postgres;

        Validate(options).Failures.ShouldHaveSingleItem().ShouldBe("Store is Postgres but PostgresConnectionString is empty.");
    }

    [Fact]
    public void A_token_s_app_secret_without_its_app_id_is_reported()
    {
        var options = CreateSut();
        options.Tokens.Add(new TokenDefinition { Name = "main", Token = "EAAx", AppSecret = "secret-value" });

        var failure = Validate(options).Failures.ShouldHaveSingleItem();

        failure.ShouldBe("Token 'main': AppSecret is set but AppId is not (the secret belongs to an app).");
    }

    [Fact]
    public void Token_value_and_dotenv_import_together_are_ambiguous_and_a_missing_dotenv_file_is_reported()
    {
        var options = CreateSut();
        options.Tokens.Add(new TokenDefinition { Name = "both", Token = "EAAx", ImportFromDotEnv = _temp.File("missing.env") });
        options.Tokens.Add(new TokenDefinition { Name = "neither" });
        options.Tokens.Add(new TokenDefinition { Name = "both", Token = "EAAy" });

        Validate(options).Failures.ShouldBe(
        [
            "Token 'both': set Token or ImportFromDotEnv, not both.",
            $"Token 'both': ImportFromDotEnv file '{_temp.File("missing.env")}' does not exist.",
            "Token 'neither': set Token or ImportFromDotEnv.",
            "Token 'both': the name is used twice.",
        ]);
    }

    [Fact]
    public void Ids_must_be_numeric_and_a_token_pasted_in_an_id_field_is_not_echoed()
    {
        var options = CreateSut();
        const string Pasted = "EAAGm0PX4ZCpsBAKZBZCsecretsecretsecret";
        options.Tokens.Add(new TokenDefinition { Name = "main", Token = "EAAx", AppId = "1234", PhoneNumberId = Pasted, WabaId = "+1 555" });

        var failures = Validate(options).Failures!.ToList();

        failures.Count.ShouldBe(2);
        failures[0].ShouldStartWith("Token 'main': PhoneNumberId must be Meta's numeric id (digits only), not 'EAAG…(");
        failures[1].ShouldStartWith("Token 'main': WabaId must be Meta's numeric id");
        failures.ShouldAllBe(f => !f.Contains(Pasted));
    }

    [Fact]
    public void Sink_types_are_matched_without_case()
    {
        var options = CreateSut();
        options.Sinks.Add(new SinkConfiguration { Name = "env", Token = "main", Type = "DotEnv" });

        Validate(options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Refresh_timings_must_be_consistent()
    {
        var options = CreateSut();
        options.Refresh.HardMargin = TimeSpan.FromDays(30);
        options.Refresh.InitialBackoff = TimeSpan.FromHours(2);
        options.Refresh.Jitter = TimeSpan.FromHours(-1);

        Validate(options).Failures.ShouldBe(
        [
            "Refresh.RenewWhenLeft (20.00:00:00) must be longer than Refresh.HardMargin (30.00:00:00).",
            "Refresh.Jitter must not be negative.",
            "Refresh.InitialBackoff must be positive and not above Refresh.MaxBackoff.",
        ]);
    }

    [Fact]
    public void The_master_key_file_follows_the_data_folder_by_default()
    {
        var options = new EvertokenOptions { DataFolder = _temp.Path };

        options.MasterKey.KeyFile.ShouldBeNull();
        options.ResolvedMasterKeyFile.ShouldBe(Path.Combine(_temp.Path, EvertokenPaths.MasterKeyFileName));
        options.ResolvedDatabasePath.ShouldBe(Path.Combine(_temp.Path, EvertokenPaths.DatabaseFileName));
    }

    private EvertokenOptions CreateSut() => new()
    {
        DataFolder = _temp.Path,
        MasterKey = new MasterKeyOptions { Key = ValidKey },
    };

    private static ValidateOptionsResult Validate(EvertokenOptions options) => new EvertokenOptions.Validator().Validate(null, options);
}
