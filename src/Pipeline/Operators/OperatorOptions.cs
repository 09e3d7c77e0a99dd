namespace Payments.Pipeline.Operators;

/// <summary>The platform operator's key (<c>Operator__ApiKey</c>, at least 32 characters); required: the service does not start without it.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    public string? ApiKey { get; set; }
}
