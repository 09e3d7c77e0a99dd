using System.Globalization;
using System.Text;

namespace PspSimulator.Settlement;

/// <summary>Writes a settlement day's CSV exactly as the contract lists its columns.</summary>
internal static class SettlementCsv
{
    public const string Header =
        "balance_transaction_id,created_utc,available_on_utc,reporting_category,payment_intent_id,refund_id,gross,fee,net,currency,charge_id_metadata";

    public static string Render(IEnumerable<BalanceTransaction> transactions, DateOnly day, int availableOnDays)
    {
        var availableOn = day.AddDays(availableOnDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var transaction in transactions.OrderBy(t => t.Sequence))
        {
            csv.Append(transaction.Id).Append(',')
                .Append(transaction.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(availableOn).Append(',')
                .Append(transaction.ReportingCategory).Append(',')
                .Append(transaction.PaymentIntentId).Append(',')
                .Append(transaction.RefundId).Append(',')
                .Append(transaction.Gross.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(transaction.Fee.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(transaction.Net.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(transaction.Currency).Append(',')
                .Append(Escape(transaction.ChargeId)).Append('\n');
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
