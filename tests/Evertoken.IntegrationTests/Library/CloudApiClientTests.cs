using System.Net;
using System.Text;
using Evertoken.WhatsApp;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Library;

/// <summary><c>AddEvertokenCloudApi</c>: the typed client from DI sends with the managed token.</summary>
public sealed class CloudApiClientTests
{
    [Fact]
    public async Task CloudApiClient_from_DI_sends_a_message_with_the_managed_token_and_proof()
    {
        await using var emu = await TokenHandlerTests.StartEmulatorAsync();
        await using var app = await LibraryApp.StartAsync(emu, new LibraryApp.Setup { Services = s => s.AddEvertokenCloudApi("main") });
        var phone = emu.Sample.PhoneNumberId;

        // The messages endpoint comes with the emulator's messaging part; without it the route does not exist at all.
        using (var probe = new HttpClient { BaseAddress = emu.BaseUrl })
        {
            using var answer = await probe.PostAsync($"v25.0/{phone}/messages", new StringContent("{}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.SkipWhen(answer.StatusCode == HttpStatusCode.NotFound && answer.Content.Headers.ContentLength is 0 or null,
                "This emulator has no POST /{phone-number-id}/messages endpoint yet.");
        }

        var client = app.Services.GetRequiredService<CloudApiClient>();
        var sent = await client.SendAsync(phone, WhatsAppMessage.Text("15550001234", "Hello from the library test"), TestContext.Current.CancellationToken);

        sent.IsSuccess.ShouldBeTrue(sent.Error?.ToString());
        sent.Value.Wamid.ShouldStartWith("wamid.");
        var call = emu.Calls.Where(c => c.Path == $"/{phone}/messages" && c.Status == 200).ShouldHaveSingleItem();
        call.TokenTransport.ShouldBe("bearer");
        call.Token.ShouldBe(TokenHandlerTests.Fingerprint(emu, emu.Sample.SystemUserToken60Days));
        call.Query.Keys.ShouldContain("appsecret_proof");
    }
}
