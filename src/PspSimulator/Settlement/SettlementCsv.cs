using System.Globalization;
using System.Text;
using PspSimulator.Protocol;
using PspSimulator.Truth;

namespace PspSimulator.Settlement;

/// <summary>
/// Writes a settlement day's CSV exactly as the contract lists its columns: one balance transaction
/// per capture (<c>charge</c>, gross positive, fee charged) or refund (<c>refund</c>, gross negative,
/// no fee), in the order they were carried out.
/// </summary>
internal static class SettlementCsv
{
    public const string Header =
        "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata";

    public static string Render(IEnumerable<MoneyMovement> movements, DateOnly day, int availableOnDays, FeeCalculator fees)
    {
        var availableOn = day.AddDays(availableOnDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var movement in movements.OrderBy(m => m.Sequence))
        {
            var isCapture = movement.Kind == MovementKind.Capture;
            var gross = isCapture ? movement.Amount : -movement.Amount;
            var fee = isCapture ? fees.ForCapture(movement.Amount) : 0;
            csv.Append(Ids.New("txn")).Append(',')
                .Append(movement.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(availableOn).Append(',')
                .Append(isCapture ? "charge" : "refund").Append(',')
                .Append(movement.PaymentIntent).Append(',')
                .Append(movement.Refund).Append(',')
                .Append(gross.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(fee.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append((gross - fee).ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(movement.Currency).Append(',')
                .Append(Escape(movement.ChargeId)).Append('\n');
        }

        return csv.ToString();
    }

    // Only the service's own metadata can hold a comma or a quote; ids and numbers never do.
    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
