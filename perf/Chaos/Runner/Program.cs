using System.Globalization;
using Payments.Chaos;

// Usage: Payments.Chaos [--seed N | --seeds FIRST-LAST | --seeds A,B,C] [--stacks N] [--out DIR] [--bound SECONDS]
//   --seed 42          replays one schedule
//   --seeds 1-1000     runs a thousand (the default is 1-20)
//   --seeds 3,7,11     runs these in this order on one stack (the smoke's sequence: a schedule
//                      meets the PSP's days and balances its predecessors left)
List<int> seeds = [.. Enumerable.Range(1, 20)];
string? output = null;
var bound = 120;
var stacks = 1;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed":
            seeds = [int.Parse(args[++i], CultureInfo.InvariantCulture)];
            break;
        case "--seeds" when args[i + 1].Contains(',', StringComparison.Ordinal):
            seeds = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            break;
        case "--seeds":
            var range = args[++i].Split('-', 2);
            var first = int.Parse(range[0], CultureInfo.InvariantCulture);
            seeds = [.. Enumerable.Range(first, int.Parse(range[^1], CultureInfo.InvariantCulture) - first + 1)];
            break;
        case "--out":
            output = args[++i];
            break;
        case "--stacks":
            stacks = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--bound":
            bound = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; usage: [--seed N | --seeds FIRST-LAST | --seeds A,B,C] [--stacks N] [--out DIR] [--bound SECONDS]");
            return 2;
    }
}

var settings = new ChaosSettings
{
    Seeds = seeds,
    OutputDirectory = output,
    ConvergeBound = TimeSpan.FromSeconds(bound),
    Stacks = stacks,
};
var results = await ChaosRun.RunAsync(settings, Console.Out);
return results.All(r => r.Passed) ? 0 : 1;
