namespace Payments.Pipeline.Charges;

/// <summary>One seller's part of a charge: what it is owed at capture (see <see cref="Sellers.SplitRules"/>).</summary>
public sealed record ChargeSplit(string Seller, long Amount);
