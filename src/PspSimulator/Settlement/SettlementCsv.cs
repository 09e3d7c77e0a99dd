using System.Globalization;
using System.Text;

namespace PspSimulator.Settlement;

/// <summary>
/// Writes a settlement day's CSV exactly as the contract lists its columns: the first eleven as first
/// published, then the four added with disputes and payouts. One line per balance transaction, in the
/// order they were carried out; what each line holds is decided by <see cref="BalanceTransactionMapper"/>.
/// </summary>
internal static class SettlementCsv
{
    public const string Header =
        "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata"
        + ",dispute_id,payout_id,payout_id_metadata,refund_id_metadata";

    public static string Render(IEnumerable<BalanceTransaction> lines, DateOnly day, int availableOnDays)
    {
        var availableOn = day.AddDays(availableOnDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var line in lines.OrderBy(l => l.Sequence))
        {
            csv.Append(line.Id).Append(',')
                .Append(line.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(availableOn).Append(',')
                .Append(line.ReportingCategory).Append(',')
                .Append(line.PaymentIntent).Append(',')
                .Append(line.Refund).Append(',')
                .Append(line.Gross.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(line.Fee.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(line.Net.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(line.Currency).Append(',')
                .Append(Escape(line.ChargeIdMetadata)).Append(',')
                .Append(line.Dispute).Append(',')
                .Append(line.Payout).Append(',')
                .Append(Escape(line.PayoutIdMetadata)).Append(',')
                .Append(Escape(line.RefundIdMetadata)).Append('\n');
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
