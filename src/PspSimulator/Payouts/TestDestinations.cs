namespace PspSimulator.Payouts;

/// <summary>The contract's test bank accounts; any other <c>ba_…</c> is paid like <see cref="Ok"/>.</summary>
internal static class TestDestinations
{
    public const string Prefix = "ba_";
    public const string Ok = "ba_ok";
    public const string Closed = "ba_closed";
    public const string Returned = "ba_returned";

    /// <summary>Fails instead of going in transit (so before paid).</summary>
    public static bool FailsBeforePaid(string destination) => destination == Closed;

    /// <summary>Is paid, then returned by the bank <c>ReturnAfter</c> past its arrival date.</summary>
    public static bool IsReturnedAfterPaid(string destination) => destination == Returned;
}
