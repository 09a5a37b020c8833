using System.Security.Cryptography;
using System.Text;
using Evertoken.Sinks;

namespace Evertoken.Tests.Sinks;

public sealed class WebhookSinkSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_signature_is_hex_hmac_sha256_of_timestamp_dot_body()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"token.rotated\"}");
        var expected = Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), Encoding.UTF8.GetBytes("1793527200.{\"event\":\"token.rotated\"}")));

        WebhookSinkSignature.Compute("s3cret", 1793527200, body).ShouldBe("sha256=" + expected);
    }

    [Fact]
    public void Verify_accepts_a_fresh_authentic_request_and_rejects_tampering_replays_and_other_secrets()
    {
        var body = Encoding.UTF8.GetBytes("{\"version\":3}");
        var t = Now.ToUnixTimeSeconds();
        var signature = WebhookSinkSignature.Compute("s3cret", t, body);

        WebhookSinkSignature.Verify("s3cret", t.ToString(), signature, body, Now).ShouldBeTrue();
        WebhookSinkSignature.Verify("other", t.ToString(), signature, body, Now).ShouldBeFalse();
        WebhookSinkSignature.Verify("s3cret", t.ToString(), signature, Encoding.UTF8.GetBytes("{\"version\":4}"), Now).ShouldBeFalse();
        WebhookSinkSignature.Verify("s3cret", (t + 1).ToString(), signature, body, Now).ShouldBeFalse();
        WebhookSinkSignature.Verify("s3cret", t.ToString(), signature, body, Now.AddMinutes(6)).ShouldBeFalse();
        WebhookSinkSignature.Verify("s3cret", "soon", signature, body, Now).ShouldBeFalse();
        WebhookSinkSignature.Verify("s3cret", t.ToString(), null, body, Now).ShouldBeFalse();
    }
}
