namespace PspSimulator.Protocol;

/// <summary>Maps the fault plan's operation names to <see cref="Operation"/> bits.</summary>
internal static class OperationNames
{
    /// <summary>What a fault without an <c>operations</c> list applies to: every POST that moves money.</summary>
    public const int MoneyOperations =
        (1 << (int)Operation.Create) | (1 << (int)Operation.Capture) | (1 << (int)Operation.Cancel) | (1 << (int)Operation.Refund)
        | (1 << (int)Operation.Payout);

    private static readonly Dictionary<string, Operation> ByName = new(StringComparer.Ordinal)
    {
        ["create"] = Operation.Create,
        ["capture"] = Operation.Capture,
        ["cancel"] = Operation.Cancel,
        ["refund"] = Operation.Refund,
        ["retrieve"] = Operation.Retrieve,
        ["search"] = Operation.Search,
        ["list_refunds"] = Operation.ListRefunds,
        ["events"] = Operation.Events,
        ["list_disputes"] = Operation.ListDisputes,
        ["payout"] = Operation.Payout,
    };

    public static IEnumerable<string> All => ByName.Keys;

    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    public static int Mask(IReadOnlyList<string>? names, int whenAbsent)
    {
        if (names is null)
        {
            return whenAbsent;
        }

        var mask = 0;
        foreach (var name in names)
        {
            if (ByName.TryGetValue(name, out var operation))
            {
                mask |= 1 << (int)operation;
            }
        }

        return mask;
    }

    public static bool Contains(int mask, Operation operation) => (mask & (1 << (int)operation)) != 0;
}
