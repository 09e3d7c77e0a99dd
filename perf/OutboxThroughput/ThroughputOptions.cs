using System.Globalization;

namespace Payments.OutboxThroughput;

/// <summary>
/// <c>--events N</c> (default 100,000), <c>--tx-size K</c> events per committed transaction
/// (default 1: every state change is its own transaction), <c>--endpoints E</c> webhook
/// endpoints of the merchant, each getting a queued delivery per event (default 1).
/// </summary>
internal sealed record ThroughputOptions(int Events, int TransactionSize, int Endpoints)
{
    public static ThroughputOptions Parse(string[] args)
    {
        var events = 100_000;
        var transactionSize = 1;
        var endpoints = 1;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--events": events = value; break;
                case "--tx-size": transactionSize = value; break;
                case "--endpoints": endpoints = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}; use --events, --tx-size, --endpoints.");
            }
        }

        return new ThroughputOptions(events, Math.Max(1, transactionSize), Math.Max(0, endpoints));
    }
}
