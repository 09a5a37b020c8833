using Evertoken.Graph;

namespace Evertoken.Tests.Graph;

public class AppSecretProofTests
{
    [Fact]
    public void Classic_proof_matches_the_published_HMAC_SHA256_test_vector()
    {
        // The widely published HMAC-SHA256 example: key "key", message "The quick brown fox jumps over the lazy dog".
        AppSecretProof.Compute("key", "The quick brown fox jumps over the lazy dog")
            .ShouldBe("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    }

    [Fact]
    public void Classic_proof_is_lowercase_hex_hmac_of_the_token_keyed_by_the_secret()
    {
        var proof = AppSecretProof.Compute(GraphTestData.AppSecret, GraphTestData.CallerToken);

        proof.ShouldBe(GraphTestData.ExpectedProof(GraphTestData.AppSecret, GraphTestData.CallerToken));
        proof.ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void Timestamped_proof_signs_token_pipe_unix_time()
    {
        var proof = AppSecretProof.Compute(GraphTestData.AppSecret, GraphTestData.CallerToken, 1793491200);

        proof.ShouldBe(GraphTestData.ExpectedProof(GraphTestData.AppSecret, GraphTestData.CallerToken + "|1793491200"));
        proof.ShouldNotBe(AppSecretProof.Compute(GraphTestData.AppSecret, GraphTestData.CallerToken));
    }

    [Fact]
    public void Verify_accepts_the_right_proof_in_either_case_and_rejects_a_wrong_secret_token_or_time()
    {
        var classic = AppSecretProof.Compute("secret", "EAAtoken");
        var stamped = AppSecretProof.Compute("secret", "EAAtoken", 1700000000);

        AppSecretProof.Verify("secret", "EAAtoken", classic).ShouldBeTrue();
        AppSecretProof.Verify("secret", "EAAtoken", classic.ToUpperInvariant()).ShouldBeTrue();
        AppSecretProof.Verify("other", "EAAtoken", classic).ShouldBeFalse();
        AppSecretProof.Verify("secret", "EAAother", classic).ShouldBeFalse();
        AppSecretProof.Verify("secret", "EAAtoken", stamped, 1700000000).ShouldBeTrue();
        AppSecretProof.Verify("secret", "EAAtoken", stamped, 1700000001).ShouldBeFalse();
        AppSecretProof.Verify("secret", "EAAtoken", stamped).ShouldBeFalse();
    }

    [Fact]
    public void Empty_secret_or_token_is_a_programming_error()
    {
        Should.Throw<ArgumentException>(() => AppSecretProof.Compute("", "EAAtoken"));
        Should.Throw<ArgumentException>(() => AppSecretProof.Compute("secret", ""));
    }
}
