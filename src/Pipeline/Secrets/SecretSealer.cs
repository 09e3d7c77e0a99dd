using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Secrets;

/// <summary>
/// Seals secrets for storage with AES-256-GCM under a key from configuration, so that reading
/// the database is not enough to learn them. The associated data binds a sealed value to its
/// key id and to a context (the row it belongs to): a value copied into another row, or given
/// another key id, does not open. Opening fails closed: any doubt is an exception, never a
/// guess.
/// </summary>
internal sealed class SecretSealer
{
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;

    public SecretSealer(IOptions<SecretsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _keys = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyId, encoded) in value.SealingKeys)
        {
            _keys[keyId] = DecodeKey(encoded) ?? throw new InvalidOperationException($"Secrets:SealingKeys:{keyId} is not the base64 of {KeySize} bytes.");
        }

        _activeKeyId = value.ActiveKeyId is { } active && _keys.ContainsKey(active)
            ? active
            : throw new InvalidOperationException("Secrets:ActiveKeyId does not name a configured Secrets:SealingKeys entry.");
    }

    public SealedSecret Seal(string secret, string context)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_activeKeyId], TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), AssociatedData(_activeKeyId, context));
        CryptographicOperations.ZeroMemory(plaintext);
        return new SealedSecret(_activeKeyId, sealedBytes);
    }

    /// <exception cref="SecretUnavailableException">The key is not configured, or the value or its context was altered.</exception>
    public string Unseal(SealedSecret secret, string context)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!_keys.TryGetValue(secret.KeyId, out var key))
        {
            throw new SecretUnavailableException($"No Secrets:SealingKeys entry for key id '{secret.KeyId}'.");
        }

        var sealedBytes = secret.Sealed;
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new SecretUnavailableException("The sealed value is too short.");
        }

        var length = sealedBytes.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plaintext,
                AssociatedData(secret.KeyId, context));
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new SecretUnavailableException($"The value sealed with key '{secret.KeyId}' does not open: it or its row was altered.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The key's bytes, or null when <paramref name="encoded"/> is not the base64 of 32 bytes.</summary>
    internal static byte[]? DecodeKey(string? encoded)
    {
        var buffer = new byte[KeySize + 3];
        return encoded is not null && Convert.TryFromBase64String(encoded.Trim(), buffer, out var written) && written == KeySize ? buffer[..KeySize] : null;
    }

    private static byte[] AssociatedData(string keyId, string context) => Encoding.UTF8.GetBytes($"{keyId.ToLowerInvariant()}\n{context}");
}
