using System.Globalization;

namespace Payments.Pipeline.Reconciliation;

/// <summary>
/// The PSP's settlement report for one day, read strictly (psp.md, "Settlement report, all
/// categories"): the header must be the contract's, every line must have its category's signs,
/// fee and ids, and net must be gross less fee. A report that breaks any rule is refused whole,
/// with the line and the rule, so a run never acts on half a file.
/// </summary>
internal static class SettlementReport
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "balance_transaction_id", "created_utc", "available_on_utc", "reporting_category", "payment_intent_id", "refund_id",
        "gross", "fee", "net", "currency", "charge_id_metadata", "dispute_id", "payout_id", "payout_id_metadata", "refund_id_metadata",
    ];

    private static readonly Dictionary<string, int> ColumnIndex = Columns.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);

    /// <summary>Per category: the sign of gross, whether it may carry a fee, and the ids it must name.</summary>
    private static readonly Dictionary<string, (int GrossSign, bool MayHaveFee, string[] RequiredIds)> Categories = new(StringComparer.Ordinal)
    {
        ["charge"] = (1, true, ["payment_intent_id"]),
        ["refund"] = (-1, false, ["payment_intent_id", "refund_id"]),
        ["dispute"] = (-1, true, ["payment_intent_id", "dispute_id"]),
        ["dispute_reversal"] = (1, false, ["payment_intent_id", "dispute_id"]),
        ["payout"] = (-1, false, ["payout_id"]),
        ["payout_failure"] = (1, false, ["payout_id"]),
    };

    /// <summary>The report's lines, or why it is refused.</summary>
    public static ParsedReport Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = csv.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var count = rows.Length > 0 && rows[^1].Length == 0 ? rows.Length - 1 : rows.Length;
        if (count == 0 || !rows[0].Split(',').SequenceEqual(Columns))
        {
            return new ParsedReport.Refused($"line 1: the header is not the contract's ({string.Join(',', Columns)})");
        }

        var lines = new List<SettlementLine>(count - 1);
        for (var i = 1; i < count; i++)
        {
            var (line, error) = ParseLine(i + 1, rows[i]);
            if (error is not null)
            {
                return new ParsedReport.Refused($"line {i + 1}: {error}");
            }

            lines.Add(line!);
        }

        return new ParsedReport.Read(lines);
    }

    private static (SettlementLine? Line, string? Error) ParseLine(int number, string row)
    {
        var fields = row.Split(',');
        if (fields.Length != Columns.Count)
        {
            return (null, $"{fields.Length} fields where the header has {Columns.Count}");
        }

        if (fields.Any(f => f.Contains('"', StringComparison.Ordinal)))
        {
            return (null, "a quoted field; the report's fields are plain ids, timestamps and integers");
        }

        string? Optional(int index) => fields[index].Length == 0 ? null : fields[index];
        if (fields[0].Length == 0)
        {
            return (null, "no balance_transaction_id");
        }

        if (!TryTime(fields[1], out var created) || !TryTime(fields[2], out var availableOn))
        {
            return (null, "created_utc and available_on_utc must be ISO 8601 times in UTC");
        }

        if (!Categories.TryGetValue(fields[3], out var rules))
        {
            return (null, $"unknown reporting_category '{fields[3]}'");
        }

        if (!TryAmount(fields[6], out var gross) || !TryAmount(fields[7], out var fee) || !TryAmount(fields[8], out var net))
        {
            return (null, "gross, fee and net must be integers in minor units");
        }

        if (net != gross - fee)
        {
            return (null, $"net {net} is not gross {gross} less fee {fee}");
        }

        if (Math.Sign(gross) != rules.GrossSign || fee < 0 || (!rules.MayHaveFee && fee != 0))
        {
            return (null, $"a {fields[3]} line has gross {gross} and fee {fee}, against its category's signs");
        }

        if (fields[9].Length != 3 || !fields[9].All(char.IsAsciiLetter))
        {
            return (null, $"currency '{fields[9]}' is not an ISO 4217 code");
        }

        var missing = rules.RequiredIds.FirstOrDefault(id => Optional(ColumnIndex[id]) is null);
        if (missing is not null)
        {
            return (null, $"a {fields[3]} line without {missing}");
        }

        return (new SettlementLine(
            number, fields[0], created, availableOn, fields[3], Optional(4), Optional(5), gross, fee, net, fields[9].ToUpperInvariant(),
            Optional(10), Optional(11), Optional(12), Optional(13), Optional(14)), null);
    }

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && (text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal));

    private static bool TryAmount(string text, out long amount) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out amount);
}

/// <summary>A settlement report as read: its lines, or the reason it was refused.</summary>
internal abstract record ParsedReport
{
    private ParsedReport()
    {
    }

    public sealed record Read(IReadOnlyList<SettlementLine> Lines) : ParsedReport;

    public sealed record Refused(string Reason) : ParsedReport;
}
