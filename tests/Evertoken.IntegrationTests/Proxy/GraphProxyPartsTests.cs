using System.IO.Compression;
using System.Text;
using Evertoken.Server.Proxy.Internal;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>The proxy's small parts on their own: credential stripping and spotting a 190 in an error body.</summary>
public sealed class GraphProxyPartsTests
{
    [Theory]
    [InlineData("?fields=id,name&access_token=EAAx&limit=5", "?fields=id,name&limit=5")]
    [InlineData("?access_token=EAAx", "")]
    [InlineData("?ACCESS_TOKEN=EAAx&appsecret_proof=ab&appsecret_time=12&q=a%20b+c", "?q=a%20b+c")]
    [InlineData("?access%5Ftoken=EAAx&after=QVFIUmx1WTBpMGpJWXprYzVYaVhabW55dDVmNHZAOSlhWbDdX", "?after=QVFIUmx1WTBpMGpJWXprYzVYaVhabW55dDVmNHZAOSlhWbDdX")]
    [InlineData("?fields=access_token_owner", "?fields=access_token_owner")]
    [InlineData("", "")]
    public void Credential_parameters_are_dropped_and_the_rest_kept_as_sent(string query, string expected) =>
        QueryFilter.StripCredentials(new QueryString(query.Length == 0 ? null : query)).ToString().ShouldBe(expected);

    [Fact]
    public void A_190_error_is_spotted_plain_or_compressed_as_Meta_sent_it()
    {
        var body = Encoding.UTF8.GetBytes("""{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1b2"}}""");

        GraphErrorBody.IsTokenError(body, []).ShouldBeTrue();
        GraphErrorBody.IsTokenError(Gzip(body), ["gzip"]).ShouldBeTrue();
        GraphErrorBody.IsTokenError(Brotli(body), ["br"]).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}""")]
    [InlineData("""{"error":{"code":"190x"}}""")]
    [InlineData("""{"id":"190"}""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Other_bodies_are_not_token_errors(string body) =>
        GraphErrorBody.IsTokenError(Encoding.UTF8.GetBytes(body), []).ShouldBeFalse();

    [Fact]
    public void A_body_in_an_unknown_encoding_is_not_taken_for_a_token_error() =>
        GraphErrorBody.IsTokenError(Encoding.UTF8.GetBytes("""{"error":{"code":190}}"""), ["zstd"]).ShouldBeFalse();

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Brotli(byte[] data)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
        {
            brotli.Write(data);
        }

        return output.ToArray();
    }
}
