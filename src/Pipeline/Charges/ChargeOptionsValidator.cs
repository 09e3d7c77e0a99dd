using Microsoft.Extensions.Options;
using Payments.Pipeline.Psp;

namespace Payments.Pipeline.Charges;

/// <summary>
/// The lease arithmetic, checked at start. A lease guards one PSP call from the moment the call
/// starts (every call is leased afresh just before it is sent); if the lease ran out while the
/// call could still be running, the sweep would start the same step beside it. So the lease
/// must be at least the longest call: every attempt to its timeout and every retry wait at its
/// cap, <see cref="PspOptions.LongestCall"/>.
/// </summary>
internal sealed class ChargeOptionsValidator(IOptions<PspOptions> pspOptions) : IValidateOptions<ChargeOptions>
{
    public ValidateOptionsResult Validate(string? name, ChargeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var psp = pspOptions.Value;
        return options.AttemptLease >= psp.LongestCall
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(FormattableString.Invariant(
                $"Charges:AttemptLease ({options.AttemptLease}) is shorter than the longest PSP call it guards ({psp.LongestCall}: {psp.MaxRetries + 1} attempts of Psp:AttemptTimeout {psp.AttemptTimeout} and {psp.MaxRetries} waits of up to {psp.LongestRetryDelay} from Psp:RetryBaseDelay). Raise the lease or lower the PSP's timeout or retries."));
    }
}
