using System.Text;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class WebhookSignatureTests
{
    private static readonly JsonNode Vectors = WhatsAppFixtures.Node("signature-test-vectors.json");
    private static readonly string Secret = Vectors["app_secret"]!.GetValue<string>();

    private static (byte[] Body, string? Signature, string? OwnHmac) Vector(string name)
    {
        var vector = Vectors["vectors"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == name)!;
        return (Encoding.UTF8.GetBytes(vector["raw_body"]!.GetValue<string>()),
            vector["x_hub_signature_256"]?.GetValue<string>(),
            vector["hmac_of_these_bytes"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("ascii")]
    [InlineData("escaped_non_ascii")]
    public void The_test_vectors_verify_and_sign_to_the_same_header(string name)
    {
        var (body, signature, _) = Vector(name);

        WebhookSignature.Verify(body, signature, Secret).ShouldBeTrue();
        WebhookSignature.Sign(body, Secret).ShouldBe(signature);
    }

    [Fact]
    public void A_literal_utf8_body_verifies_against_metas_signature_of_its_escaped_form()
    {
        var (literal, _, ownHmac) = Vector("literal_utf8_same_content_DIFFERENT_signature");
        var (escaped, metaSignature, _) = Vector("escaped_non_ascii");

        WebhookSignature.Sign(literal, Secret).ShouldBe(ownHmac);
        WebhookSignature.EscapeNonAscii(literal).ShouldBe(escaped);
        WebhookSignature.Verify(literal, metaSignature, Secret).ShouldBeTrue();
        WebhookSignature.Verify(literal, ownHmac, Secret).ShouldBeTrue();
    }

    [Fact]
    public void Wrong_signatures_secrets_and_bodies_fail()
    {
        var (body, signature, _) = Vector("ascii");
        var (escaped, escapedSignature, _) = Vector("escaped_non_ascii");
        var tampered = body.ToArray();
        tampered[^3] ^= 1;

        WebhookSignature.Verify(body, signature, "another_secret").ShouldBeFalse();
        WebhookSignature.Verify(tampered, signature, Secret).ShouldBeFalse();
        WebhookSignature.Verify(body, escapedSignature, Secret).ShouldBeFalse();
        WebhookSignature.Verify(escaped, signature, Secret).ShouldBeFalse();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=b01d3869454c75059c0750f5af4517c207dbf9e9")]
    [InlineData("sha256=")]
    [InlineData("sha256=b01d3869454c75059c0750f5af4517c207dbf9e94948cf3a5644223a0347362")]
    [InlineData("sha256=zz1d3869454c75059c0750f5af4517c207dbf9e94948cf3a5644223a0347362f")]
    [InlineData("b01d3869454c75059c0750f5af4517c207dbf9e94948cf3a5644223a0347362f")]
    public void Missing_or_malformed_headers_fail_without_throwing(string? header)
    {
        WebhookSignature.Verify(Vector("ascii").Body, header, Secret).ShouldBeFalse();
    }

    [Fact]
    public void The_header_prefix_and_hex_are_case_insensitive()
    {
        var (body, signature, _) = Vector("ascii");

        WebhookSignature.Verify(body, "SHA256=" + signature![7..].ToUpperInvariant(), Secret).ShouldBeTrue();
    }

    [Fact]
    public void Any_of_several_secrets_verifies_during_a_rotation()
    {
        var (body, signature, _) = Vector("escaped_non_ascii");

        WebhookSignature.Verify(body, signature, ["new_secret", Secret]).ShouldBeTrue();
        WebhookSignature.Verify(body, signature, ["new_secret", "older_secret"]).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => WebhookSignature.Verify(body, signature, Array.Empty<string>()));
    }

    [Fact]
    public void EscapeNonAscii_writes_lowercase_utf16_escapes_and_surrogate_pairs()
    {
        var escaped = WebhookSignature.EscapeNonAscii(Encoding.UTF8.GetBytes("{\"e\":\"äÖ€👍\"}"));

        Encoding.ASCII.GetString(escaped).ShouldBe("{\"e\":\"\\u00e4\\u00d6\\u20ac\\ud83d\\udc4d\"}");
        Should.Throw<ArgumentException>(() => WebhookSignature.EscapeNonAscii([0x22, 0xC3, 0x22]));
    }

    [Fact]
    public void A_body_that_is_not_utf8_simply_fails_verification()
    {
        byte[] body = [0x7B, 0xFF, 0x7D];

        WebhookSignature.Verify(body, WebhookSignature.Sign("x"u8, Secret), Secret).ShouldBeFalse();
        WebhookSignature.Verify(body, WebhookSignature.Sign(body, Secret), Secret).ShouldBeTrue();
    }
}
