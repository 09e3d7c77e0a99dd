namespace Payments.Ingress.Tests.Observability;

/// <summary>
/// A test that needs Debian's <c>prometheus</c> binary: skipped, saying why, only where it is not
/// installed (.ci/run installs it, so CI always runs it).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (PrometheusServer.Binary is null)
        {
            Skip = "Debian's prometheus binary is not on PATH (apt-get install prometheus; .ci/run installs it).";
        }
    }
}
