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

    [LoggerMessage(3503, LogLevel.Warning, "Merchant {MerchantId} has {Count} other configured keys that still work besides this instance's ({Setting}): instances configured with them keep working; once none is, revoke them (Keys__RevokeConfiguredBefore, or the operator API)")]
    public static partial void OtherConfiguredKeysLive(ILogger logger, string merchantId, long count, string setting);

    [LoggerMessage(3504, LogLevel.Warning, "{Count} other operator keys still work besides this instance's (Operator__ApiKey): instances configured with them keep working; once none is, revoke them with Keys__RevokeConfiguredBefore")]
    public static partial void OtherOperatorKeysLive(ILogger logger, long count);

    [LoggerMessage(3505, LogLevel.Warning, "The operator key this instance is configured with (Operator__ApiKey) was revoked and stays revoked: configure a new one")]
    public static partial void ConfiguredOperatorKeyRevoked(ILogger logger);
}
