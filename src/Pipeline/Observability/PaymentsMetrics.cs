using System.Diagnostics.Metrics;

namespace Payments.Pipeline.Observability;

/// <summary>
/// The pipeline's instruments, on one <see cref="Meter"/> that the ingress exposes at
/// <c>/metrics</c>. Instruments are added by the component they measure.
/// </summary>
public sealed class PaymentsMetrics : IDisposable
{
    public const string MeterName = "Payments.Pipeline";

    public PaymentsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
    }

    public Meter Meter { get; }

    public void Dispose() => Meter.Dispose();
}
