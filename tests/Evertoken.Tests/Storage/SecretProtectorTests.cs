using System.Security.Cryptography;
using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

public sealed class SecretProtectorTests
{
    private readonly byte[] _keyA = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _keyB = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void A_protected_value_round_trips_and_names_its_key_but_holds_no_plaintext()
    {
        var protector = new SecretProtector(_keyA);
        var secret = StoreTestData.TokenValue();

        var protectedValue = protector.Protect(secret, "token:t:1");

        protectedValue.ShouldStartWith($"ev1:{protector.PrimaryKeyId}:");
        protectedValue.ShouldNotContain(secret[..12]);
        protector.Unprotect(protectedValue, "token:t:1").ShouldBe(secret);
        protector.IsProtectedWithPrimaryKey(protectedValue).ShouldBeTrue();
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var protector = new SecretProtector(_keyA);

        protector.Protect("same", "p").ShouldNotBe(protector.Protect("same", "p"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("EAA€ünïcødé🔑")]
    public void Empty_and_unicode_values_round_trip(string secret)
    {
        var protector = new SecretProtector(_keyA);

        protector.Unprotect(protector.Protect(secret, "p"), "p").ShouldBe(secret);
    }

    [Fact]
    public void A_value_opened_for_another_purpose_fails()
    {
        var protector = new SecretProtector(_keyA);
        var protectedValue = protector.Protect("secret-value-1234", "token:a:1");

        var ex = Should.Throw<MasterKeyException>(() => protector.Unprotect(protectedValue, "token:b:1"));

        ex.Message.ShouldContain("token:b:1");
        ex.Message.ShouldNotContain("secret-value-1234");
    }

    [Fact]
    public void Any_altered_byte_fails_the_integrity_check()
    {
        var protector = new SecretProtector(_keyA);
        var secret = StoreTestData.TokenValue();
        var protectedValue = protector.Protect(secret, "p");
        var prefix = protectedValue[..(protectedValue.LastIndexOf(':') + 1)];
        var blob = Convert.FromBase64String(protectedValue[prefix.Length..]);

        // The nonce, the ciphertext and the tag each protect the value.
        foreach (var index in new[] { 0, 11, 12, blob.Length / 2, blob.Length - 16, blob.Length - 1 })
        {
            var altered = (byte[])blob.Clone();
            altered[index] ^= 0x01;

            var ex = Should.Throw<MasterKeyException>(() => protector.Unprotect(prefix + Convert.ToBase64String(altered), "p"));

            ex.Message.ShouldContain("integrity");
            ex.Message.ShouldNotContain(secret);
        }
    }

    [Fact]
    public void A_ring_without_the_key_says_which_key_is_needed_and_how_to_supply_it()
    {
        var protectedValue = new SecretProtector(_keyA).Protect("secret-value-1234", "p");
        var other = new SecretProtector(_keyB);

        var ex = Should.Throw<MasterKeyException>(() => other.Unprotect(protectedValue, "p"));

        ex.Message.ShouldContain("does not match");
        ex.Message.ShouldContain(SecretProtector.KeyIdOf(_keyA));
        ex.Message.ShouldContain(other.PrimaryKeyId);
        ex.Message.ShouldContain("EVERTOKEN_MASTER_KEY");
        ex.Message.ShouldContain("EVERTOKEN_PREVIOUS_MASTER_KEYS");
        ex.Message.ShouldNotContain("secret-value-1234");
    }

    [Fact]
    public void A_previous_key_still_decrypts_while_the_primary_encrypts()
    {
        var old = new SecretProtector(_keyA).Protect("old-secret", "p");
        var ring = new SecretProtector(_keyB, [_keyA]);

        ring.Unprotect(old, "p").ShouldBe("old-secret");
        ring.IsProtectedWithPrimaryKey(old).ShouldBeFalse();
        ring.Protect("new", "p").ShouldStartWith($"ev1:{SecretProtector.KeyIdOf(_keyB)}:");
        ring.KeyIds.ShouldBe([SecretProtector.KeyIdOf(_keyB), SecretProtector.KeyIdOf(_keyA)]);
    }

    [Fact]
    public void A_key_id_is_short_stable_distinct_and_reveals_nothing_of_the_key()
    {
        var id = SecretProtector.KeyIdOf(_keyA);

        id.Length.ShouldBe(8);
        id.ShouldMatch("^[0-9a-f]{8}$");
        SecretProtector.KeyIdOf(_keyA.ToArray()).ShouldBe(id);
        SecretProtector.KeyIdOf(_keyB).ShouldNotBe(id);
        Convert.ToHexStringLower(_keyA).ShouldNotContain(id);
        Convert.ToHexStringLower(SHA256.HashData(_keyA)).ShouldNotStartWith(id);
        new SecretProtector(_keyA).ToString().ShouldNotContain(Convert.ToBase64String(_keyA));
    }

    [Theory]
    [InlineData("not a protected value")]
    [InlineData("ev1:abcd1234")]
    [InlineData("ev1::AAAA")]
    [InlineData("ev2:abcd1234:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ev1:{key}:!!!not-base64!!!")]
    [InlineData("ev1:{key}:AAAA")]
    public void A_malformed_stored_value_is_a_MasterKeyException(string stored)
    {
        var protector = new SecretProtector(_keyA);

        Should.Throw<MasterKeyException>(() => protector.Unprotect(stored.Replace("{key}", protector.PrimaryKeyId), "p"));
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused()
    {
        Should.Throw<MasterKeyException>(() => new SecretProtector(new byte[16])).Message.ShouldContain("32");
        Should.Throw<MasterKeyException>(() => new SecretProtector(_keyA, [new byte[31]])).Message.ShouldContain("previous master key #1");
    }

    [Fact]
    public void Base64_keys_are_accepted_and_malformed_ones_explained()
    {
        var fromBase64 = SecretProtector.FromBase64(Convert.ToBase64String(_keyA), [Convert.ToBase64String(_keyB)]);
        fromBase64.PrimaryKeyId.ShouldBe(SecretProtector.KeyIdOf(_keyA));
        fromBase64.KeyIds.Count.ShouldBe(2);

        Should.Throw<MasterKeyException>(() => SecretProtector.FromBase64("definitely not base64!")).Message.ShouldContain("not base64");
        Should.Throw<MasterKeyException>(() => SecretProtector.FromBase64(Convert.ToBase64String(new byte[20]))).Message.ShouldContain("decodes to 20 bytes");
    }

    [Fact]
    public void Generated_keys_are_32_random_bytes_in_base64()
    {
        var key = SecretProtector.GenerateKey();

        Convert.FromBase64String(key).Length.ShouldBe(32);
        SecretProtector.GenerateKey().ShouldNotBe(key);
    }
}
