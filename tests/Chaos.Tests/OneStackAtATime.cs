namespace Payments.Chaos.Tests;

/// <summary>
/// The tests that start chaos stacks run one at a time: each stack is a PostgreSQL cluster, the
/// simulator and two service processes, and two at once on the suite's 2 cores would judge the
/// machine's load more than the service.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OneStackAtATime
{
    public const string Name = "chaos stacks";
}
