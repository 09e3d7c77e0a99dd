using System.Text;
using BenchmarkDotNet.Attributes;
using Payments.Ingress.Validation;

namespace Payments.Benchmarks.Ingress;

/// <summary>
/// The raw-card-number detector runs over every string of every body, the path, the query string
/// and the Idempotency-Key of every request (invariant 8). The cases: ordinary short fields (the
/// common case), text with digits that are not a card, a grouped card number, a typical charge
/// body, the old 500-character worst case, and four 64 KiB bodies (the body limit): digits in
/// which no window passes Luhn (every window of every run is examined, the true worst case), the
/// same as groups with separators between them, words without digits, and non-ASCII words.
/// </summary>
[MemoryDiagnoser]
public class PanDetectorBenchmarks
{
    private const int BodyLimit = 64 * 1024;

    private const string ChargeBody = """
        {"amount": 4999, "currency": "USD", "payment_method": "pm_card_visa", "capture": true,
         "order_id": "ORD-1042", "description": "Two items from the marketplace, gift wrapped",
         "metadata": {"cart": "c-20261128-0173", "channel": "web", "customer": "cus_8f3a21",
         "shipped_at": "2026-11-28T10:00:00Z", "phone": "+1 415 555 0133"}}
        """;

    private string _text = "";

    [Params("ORD-1042", "pm_card_visa", "order-and-phone", "grouped-pan", "charge-body", "500-digits-grouped",
        "64KiB-digits", "64KiB-groups", "64KiB-words", "64KiB-non-ascii")]
    public string Case { get; set; } = "ORD-1042";

    [GlobalSetup]
    public void Setup() => _text = Case switch
    {
        "ORD-1042" or "pm_card_visa" => Case,
        "order-and-phone" => "Order 2024-11-21-000173, call +1 415 555 0133 before delivery",
        "grouped-pan" => "card 4242 4242 4242 4242 please",
        "charge-body" => ChargeBody,
        "500-digits-grouped" => string.Join(' ', Enumerable.Repeat("1234 5678", 60))[..500],
        // No window of 13 to 19 ones passes Luhn (their sums are 19, 21, 22, 24, 25, 27, 28).
        "64KiB-digits" => new string('1', BodyLimit),
        "64KiB-groups" => Repeat("1111 ", BodyLimit),
        "64KiB-words" => Repeat("Two items from the marketplace, gift wrapped. ", BodyLimit),
        _ => Repeat("マーケットプレイスからの注文、ギフト包装。", BodyLimit),
    };

    [Benchmark]
    public bool ContainsPan() => PanDetector.ContainsPan(_text);

    private static string Repeat(string unit, int length)
    {
        var text = new StringBuilder(length + unit.Length);
        while (text.Length < length)
        {
            text.Append(unit);
        }

        return text.ToString(0, length);
    }
}
