namespace Payments.Pipeline.Secrets;

/// <summary>A secret as stored: the id of the key that sealed it and nonce ‖ ciphertext ‖ tag.</summary>
internal sealed record SealedSecret(string KeyId, byte[] Sealed)
{
    // The generated ToString would print the bytes; harmless without the key, but noise in logs.
    public override string ToString() => $"SealedSecret {{ KeyId = {KeyId} }}";
}
