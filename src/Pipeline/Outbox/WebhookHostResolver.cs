using System.Net;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// Name to addresses for webhook connections: the system resolver. Not sealed so that a test
/// can answer a name with an address of its choosing, as a rebinding DNS server would.
/// </summary>
internal class WebhookHostResolver
{
    public virtual Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
