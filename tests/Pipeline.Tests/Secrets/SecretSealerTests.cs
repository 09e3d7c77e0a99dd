using System.Security.Cryptography;
using Payments.Pipeline.Secrets;

namespace Payments.Pipeline.Tests.Secrets;

public sealed class SecretSealerTests
{
    private const string Secret = "whsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private const string Context = "webhook_endpoints.secret:we_1";
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Sealed_secret_opens_to_the_same_text_and_holds_no_trace_of_it()
    {
        var sealer = Sealer("a", ("a", KeyA));

        var sealedSecret = sealer.Seal(Secret, Context);

        Assert.Equal("a", sealedSecret.KeyId);
        Assert.Equal(Secret, sealer.Unseal(sealedSecret, Context));
        Assert.Equal(-1, sealedSecret.Sealed.AsSpan().IndexOf("0123456789abcdef"u8));
        Assert.NotEqual(sealedSecret.Sealed, sealer.Seal(Secret, Context).Sealed);
    }

    [Fact]
    public void After_rotation_old_secrets_still_open_and_new_ones_use_the_new_key()
    {
        var old = Sealer("a", ("a", KeyA)).Seal(Secret, Context);
        var rotated = Sealer("b", ("a", KeyA), ("b", KeyB));

        var fresh = rotated.Seal(Secret, Context);

        Assert.Equal(Secret, rotated.Unseal(old, Context));
        Assert.Equal("b", fresh.KeyId);
        Assert.Equal(Secret, rotated.Unseal(fresh, Context));
        Assert.Throws<SecretUnavailableException>(() => Sealer("b", ("b", KeyB)).Unseal(old, Context));
    }

    [Theory]
    [InlineData(0)] // nonce
    [InlineData(12)] // first ciphertext byte
    [InlineData(40)]
    [InlineData(-1)] // last tag byte
    public void Altered_sealed_bytes_fail_closed(int index)
    {
        var sealer = Sealer("a", ("a", KeyA));
        var sealedSecret = sealer.Seal(Secret, Context);
        var altered = (byte[])sealedSecret.Sealed.Clone();
        altered[index < 0 ? altered.Length + index : index] ^= 0x01;

        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret with { Sealed = altered }, Context));
    }

    [Fact]
    public void Sealed_bytes_moved_to_another_row_key_id_or_cut_short_fail_closed()
    {
        var sealer = Sealer("a", ("a", KeyA), ("b", KeyA));
        var sealedSecret = sealer.Seal(Secret, Context);

        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret, "webhook_endpoints.secret:we_2"));
        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret with { KeyId = "b" }, Context));
        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret with { KeyId = "unknown" }, Context));
        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret with { Sealed = sealedSecret.Sealed[..27] }, Context));
        Assert.Throws<SecretUnavailableException>(() => sealer.Unseal(sealedSecret with { Sealed = sealedSecret.Sealed[..^1] }, Context));
    }

    [Fact]
    public void Missing_or_unusable_keys_fail_validation_with_the_setting_named_and_no_key_shown()
    {
        var validator = new SecretsOptionsValidator();

        var missing = validator.Validate(null, new SecretsOptions());
        var unknownActive = validator.Validate(null, Options("b", ("a", KeyA)));
        var shortKey = validator.Validate(null, Options("a", ("a", Convert.ToBase64String(new byte[16]))));
        var notBase64 = validator.Validate(null, Options("a", ("a", "not base64!")));
        var badId = validator.Validate(null, Options("a b", ("a b", KeyA)));
        var fine = validator.Validate(null, Options("a", ("a", KeyA), ("old", KeyB)));

        Assert.Contains("Secrets:ActiveKeyId", missing.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Secrets:SealingKeys:b", unknownActive.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Secrets:SealingKeys:a", shortKey.FailureMessage, StringComparison.Ordinal);
        Assert.True(notBase64.Failed);
        Assert.True(badId.Failed);
        Assert.True(fine.Succeeded);
        Assert.DoesNotContain(KeyA, unknownActive.FailureMessage, StringComparison.Ordinal);
    }

    private static SecretsOptions Options(string active, params (string Id, string Key)[] keys)
    {
        var options = new SecretsOptions { ActiveKeyId = active };
        foreach (var (id, key) in keys)
        {
            options.SealingKeys[id] = key;
        }

        return options;
    }

    private static SecretSealer Sealer(string active, params (string Id, string Key)[] keys) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(active, keys)));
}
