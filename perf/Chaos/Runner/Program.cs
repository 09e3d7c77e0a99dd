using System.Globalization;
using Payments.Chaos;

// Usage: Payments.Chaos [--seed N | --seeds FIRST-LAST] [--stacks N] [--out DIR] [--bound SECONDS]
//   --seed 42          replays one schedule
//   --seeds 1-1000     runs a thousand (the default is 1-20)
var first = 1;
var last = 20;
string? output = null;
var bound = 120;
var stacks = 1;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed":
            first = last = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--seeds":
            var range = args[++i].Split('-', 2);
            first = int.Parse(range[0], CultureInfo.InvariantCulture);
            last = int.Parse(range[^1], CultureInfo.InvariantCulture);
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
            await Console.Error.WriteLineAsync($"unknown argument {args[i]}; usage: [--seed N | --seeds FIRST-LAST] [--stacks N] [--out DIR] [--bound SECONDS]");
            return 2;
    }
}

var settings = new ChaosSettings
{
    Seeds = [.. Enumerable.Range(first, last - first + 1)],
    OutputDirectory = output,
    ConvergeBound = TimeSpan.FromSeconds(bound),
    Stacks = stacks,
};
var results = await ChaosRun.RunAsync(settings, Console.Out);
return results.All(r => r.Passed) ? 0 : 1;
