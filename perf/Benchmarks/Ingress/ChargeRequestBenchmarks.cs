using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Payments.Ingress.Charges;
using Payments.Pipeline.Merchants;

namespace Payments.Benchmarks.Ingress;

/// <summary>
/// What the create-charge endpoint does to every body before the group commit: parse, validate
/// every field, write the canonical form (keys sorted, defaults applied) and hash it with the
/// method and path (the hash the idempotency key is bound to).
/// </summary>
[MemoryDiagnoser]
public class ChargeRequestBenchmarks
{
    private const string Minimal = """{"amount":4999,"currency":"USD","payment_method":"pm_card_visa"}""";

    private const string Typical = """
        {"amount":4999,"currency":"USD","payment_method":"pm_card_visa","capture":true,"order_id":"ORD-1042",
         "description":"Order 1042 from the marketplace","metadata":{"cart":"c_8812","channel":"web","customer":"cus_4411"}}
        """;

    private static readonly Merchant Merchant = new("m_bench", "Bench", 0, 0);

    private byte[] _body = [];
    private JsonDocument? _document;

    [Params("minimal", "typical", "metadata-20-keys")]
    public string Body { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var text = Body switch
        {
            "minimal" => Minimal,
            "typical" => Typical,
            _ => FullMetadata(),
        };
        _body = Encoding.UTF8.GetBytes(text);
        _document = JsonDocument.Parse(_body);
    }

    [GlobalCleanup]
    public void Cleanup() => _document?.Dispose();

    /// <summary>Validation, canonical metadata and the SHA-256 of the canonical request, on a parsed body.</summary>
    [Benchmark(Baseline = true)]
    public object ReadAndHash() => ChargeRequestReader.Read(_document!.RootElement, Merchant, "key-1");

    /// <summary>The same with the JSON parse the endpoint does first.</summary>
    [Benchmark]
    public object ParseReadAndHash()
    {
        using var document = JsonDocument.Parse(_body);
        return ChargeRequestReader.Read(document.RootElement, Merchant, "key-1");
    }

    private static string FullMetadata()
    {
        var metadata = string.Join(",", Enumerable.Range(0, 20).Select(i => $"\"key_{i:D2}\":\"{new string('v', 40)}\""));
        return $$$"""{"amount":4999,"currency":"USD","payment_method":"pm_card_visa","order_id":"ORD-1042","metadata":{{{{metadata}}}}}""";
    }
}
