using Microsoft.Extensions.Options;

namespace PspSimulator.Settlement;

/// <summary>
/// The PSP's fee on a capture, in integer minor units: the percentage part rounded half up to the
/// nearest minor unit, plus the fixed part. With the default 2.9 % + 30, a capture of 4999 pays
/// (4999 × 290 + 5000) / 10000 = 145, plus 30 = 175. Refunds carry no fee and give none back.
/// </summary>
internal sealed class FeeCalculator(IOptions<SettlementOptions> options)
{
    private readonly long _basisPoints = options.Value.FeeBasisPoints;
    private readonly long _fixed = options.Value.FeeFixed;

    public long ForCapture(long gross) => ((gross * _basisPoints) + 5_000) / 10_000 + _fixed;
}
