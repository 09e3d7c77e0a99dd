namespace Payments.Pipeline.Charges;

/// <summary>
/// The answer to one intent of a group commit: inserted (with its JSON), refused as a suspected
/// duplicate of <paramref name="SuspectedDuplicateOf"/>, or neither (a conflict on its key or order).
/// An inserted charge also names the charge it is suspected to duplicate, if any.
/// </summary>
public sealed record InsertedIntent(string? ChargeId, string? ChargeJson, string? SuspectedDuplicateOf = null)
{
    public bool Inserted => ChargeId is not null;

    public bool RefusedAsDuplicate => ChargeId is null && SuspectedDuplicateOf is not null;
}
