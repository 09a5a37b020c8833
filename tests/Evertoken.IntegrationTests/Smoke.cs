using Evertoken.Graph;

namespace Evertoken.IntegrationTests;

public class AppSecretProofTests
{
    [Fact]
    public void Classic_proof_is_lowercase_hex_hmac_of_the_token()
    {
        var proof = AppSecretProof.Compute("secret", "EAAtoken");
        proof.ShouldBe(proof.ToLowerInvariant());
        proof.Length.ShouldBe(64);
        AppSecretProof.Verify("secret", "EAAtoken", proof).ShouldBeTrue();
        AppSecretProof.Verify("other", "EAAtoken", proof).ShouldBeFalse();
    }
}
