namespace Payments.Pipeline.Merchants;

/// <summary>What a merchant wants done with a suspected duplicate charge (<c>DuplicatePolicy</c>).</summary>
public static class DuplicatePolicies
{
    /// <summary>Recorded, with <c>suspected_duplicate_of</c> set and counted (the default).</summary>
    public const string Flag = "flag";

    /// <summary>Refused with 409 <c>suspected_duplicate</c>, unless the request says <c>allow_duplicate</c>.</summary>
    public const string Refuse = "refuse";
}
