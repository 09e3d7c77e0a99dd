using Payments.Pipeline.Merchants;

namespace Payments.Pipeline.Sellers;

/// <summary>
/// What a charge's splits must fit in: a capture of A pays the platform its fee on A first, so
/// the sellers' splits can take at most A − fee(A); the merchant keeps the rest. Asked when the
/// charge is created (A is its amount) and again before a partial capture (A is what would be
/// captured), so that a journal never has to pay sellers more than the capture brought in. How
/// the money is then posted is the database's posting rules (0020_sellers_and_splits.sql).
/// </summary>
internal static class SplitRules
{
    public const int MaxPerCharge = 10;

    /// <summary>What a capture of <paramref name="captured"/> leaves for the sellers.</summary>
    public static long Room(Merchant merchant, long captured)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        return captured - merchant.FeeFor(captured);
    }
}
