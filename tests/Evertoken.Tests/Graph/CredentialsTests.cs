using Evertoken.Graph;
using Evertoken.Tokens;

namespace Evertoken.Tests.Graph;

public class CredentialsTests
{
    [Fact]
    public void App_credentials_never_print_the_secret()
    {
        var app = GraphTestData.App;

        app.ToString().ShouldContain(GraphTestData.AppId);
        app.ToString().ShouldNotContain(GraphTestData.AppSecret);
        $"{app}".ShouldNotContain(GraphTestData.AppSecret);
    }

    [Theory]
    [InlineData("", "secret")]
    [InlineData(" ", "secret")]
    [InlineData("123", "")]
    public void App_credentials_need_both_values(string appId, string secret)
    {
        Should.Throw<ArgumentException>(() => new AppCredentials(appId, secret));
    }

    [Fact]
    public void Issued_token_prints_only_its_fingerprint()
    {
        var token = new IssuedToken(GraphTestData.CallerToken, "bearer", TimeSpan.FromSeconds(5183944));

        token.ToString().ShouldNotContain(GraphTestData.CallerToken);
        token.ToString().ShouldContain(TokenFingerprint.Of(GraphTestData.CallerToken));
        token.ToString().ShouldContain("5183944 s");
    }

    [Fact]
    public void Issued_token_expiry_is_counted_from_when_it_was_received()
    {
        var received = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

        new IssuedToken("x", "bearer", TimeSpan.FromDays(60)).ExpiresAtFrom(received).ShouldBe(received.AddDays(60));
        new IssuedToken("x", null, null).ExpiresAtFrom(received).ShouldBeNull();
    }
}
