namespace Payments.Pipeline.Charges;

/// <summary>The answer to one intent of a group commit: inserted (with its JSON), or not (a conflict).</summary>
public sealed record InsertedIntent(string? ChargeId, string? ChargeJson)
{
    public bool Inserted => ChargeId is not null;
}
