using Microsoft.Extensions.Logging;

namespace Payments.Pipeline;

/// <summary>Merchant seeding's and API keys' messages (ids 3500–3599). Never a key, nor its hash.</summary>
internal static partial class Log
{
    [LoggerMessage(3500, LogLevel.Warning, "The key configured for merchant {MerchantId} ({Setting}) was revoked and stays revoked: configure a new key, or roll one through the operator API")]
    public static partial void ConfiguredKeyRevoked(ILogger logger, string merchantId, string setting);

    [LoggerMessage(3501, LogLevel.Information, "API key {KeyId} rolled for merchant {MerchantId}; its other keys end in {Seconds} s")]
    public static partial void KeyRolled(ILogger logger, string keyId, string merchantId, int seconds);

    [LoggerMessage(3502, LogLevel.Information, "API key {KeyId} of merchant {MerchantId} revoked")]
    public static partial void KeyRevoked(ILogger logger, string keyId, string merchantId);
}
