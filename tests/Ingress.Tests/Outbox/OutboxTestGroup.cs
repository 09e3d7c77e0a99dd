namespace Payments.Ingress.Tests.Outbox;

/// <summary>
/// The outbox test classes run one after another (each with its own database and service):
/// together they would crowd a two-core machine and turn timing margins into flakes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OutboxTestGroup
{
    public const string Name = "Outbox";
}
