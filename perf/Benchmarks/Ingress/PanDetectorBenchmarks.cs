using BenchmarkDotNet.Attributes;
using Payments.Ingress.Validation;

namespace Payments.Benchmarks.Ingress;

/// <summary>
/// The raw-card-number detector runs over every string of every body (invariant 8). The cases:
/// text without digits (the common case), digits that are not a card (order and phone numbers,
/// where every span of groups is tried), a grouped card number, and the worst case the contract
/// allows, a 500-character metadata value of digit groups.
/// </summary>
[MemoryDiagnoser]
public class PanDetectorBenchmarks
{
    private string _text = "";

    [Params("words", "order-and-phone", "grouped-pan", "500-digits-grouped")]
    public string Case { get; set; } = "words";

    [GlobalSetup]
    public void Setup() => _text = Case switch
    {
        "words" => "Order from the marketplace, two items, gift wrapped",
        "order-and-phone" => "Order 2024-11-21-000173, call +1 415 555 0133 before delivery",
        "grouped-pan" => "card 4242 4242 4242 4242 please",
        _ => string.Join(' ', Enumerable.Repeat("1234 5678", 60))[..500],
    };

    [Benchmark]
    public bool ContainsPan() => PanDetector.ContainsPan(_text);
}
