using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Secrets;

/// <summary>Refuses to start without a usable active key, naming the settings (never a key's value).</summary>
internal sealed partial class SecretsOptionsValidator : IValidateOptions<SecretsOptions>
{
    private const string HowTo =
        "Webhook signing secrets are sealed at rest: set Secrets:SealingKeys:<keyId> (env Secrets__SealingKeys__<keyId>) to the base64 of 32 random bytes "
        + "(e.g. `openssl rand -base64 32`) and Secrets:ActiveKeyId (env Secrets__ActiveKeyId) to that key id.";

    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (keyId, value) in options.SealingKeys)
        {
            if (!KeyIdPattern().IsMatch(keyId))
            {
                failures.Add($"Secrets:SealingKeys:{keyId}: a key id is 1 to 32 letters, digits, '_' or '-'.");
            }

            if (SecretSealer.DecodeKey(value) is null)
            {
                failures.Add($"Secrets:SealingKeys:{keyId} is not the base64 of 32 bytes.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            failures.Add("Secrets:ActiveKeyId is not set. " + HowTo);
        }
        else if (!options.SealingKeys.ContainsKey(options.ActiveKeyId))
        {
            failures.Add($"Secrets:ActiveKeyId is '{options.ActiveKeyId}', but there is no Secrets:SealingKeys:{options.ActiveKeyId}. " + HowTo);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyIdPattern();
}
