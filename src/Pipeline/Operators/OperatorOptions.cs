namespace Payments.Pipeline.Operators;

/// <summary>The platform operator's key (<c>Operator__ApiKey</c>, at least 32 characters); required: the service does not start without it.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    public string? ApiKey { get; set; }

    /// <summary>
    /// Set by the run command when it made <see cref="ApiKey"/> up for this start: such a key
    /// replaces every other operator key, as nobody configured them; a configured key is added.
    /// </summary>
    public bool Generated { get; set; }
}
