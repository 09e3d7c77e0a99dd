using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The service with its whole host logging from Debug into <see cref="Logs"/> (the service's own
/// defaults still apply, as in production). No background reconciliation: a refusal test counts rows.
/// </summary>
public sealed class CardNumberFixture : ServiceFixture
{
    public CardNumberLogCapture Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Debug",
        ["Reconciliation:Enabled"] = "false",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);
}
