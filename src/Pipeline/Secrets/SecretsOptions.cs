namespace Payments.Pipeline.Secrets;

/// <summary>
/// Keys that seal secrets the service must be able to read back (webhook signing secrets) at
/// rest. <c>Secrets:SealingKeys:&lt;keyId&gt;</c> is the base64 of 32 random bytes;
/// <c>Secrets:ActiveKeyId</c> names the one new secrets are sealed with. Every sealed value
/// stores its key id, so a rotation adds a key and makes it active; old keys stay listed for
/// as long as values sealed with them exist.
/// </summary>
internal sealed class SecretsOptions
{
    public const string Section = "Secrets";

    public Dictionary<string, string> SealingKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? ActiveKeyId { get; set; }
}
