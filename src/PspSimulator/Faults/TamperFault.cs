using System.Text.Json.Serialization;

namespace PspSimulator.Faults;

/// <summary>
/// A 200 PaymentIntent answer rewritten on its way out (a PSP bug, a proxy that mixes answers up):
/// the saved answer and the PSP's state stay true, only this copy lies. <see cref="Field"/> says
/// what changes: <c>amount</c> (+1), <c>amount_received</c> (amount + 1) or <c>charge_id</c>
/// (<c>metadata[charge_id]</c> of another charge).
/// </summary>
internal sealed class TamperFault
{
    public const string Amount = "amount";
    public const string AmountReceived = "amount_received";
    public const string ChargeId = "charge_id";

    public double Rate { get; set; }

    public string Field { get; set; } = Amount;

    /// <summary>Operations it applies to; absent means every operation that answers a PaymentIntent.</summary>
    public IReadOnlyList<string>? Operations { get; set; }

    [JsonPropertyName("max_count")]
    [ConfigurationKeyName("max_count")]
    public int? MaxCount { get; set; }
}
