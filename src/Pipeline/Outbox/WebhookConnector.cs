using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// The webhook client's <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host
/// itself, refuses the connection when any address it resolves to is not public, and connects
/// to an address it checked. Checking here, at every connection, rather than only at
/// registration is what defeats DNS rebinding: the name is looked up once and the address
/// that was judged is the one connected to.
/// </summary>
internal sealed class WebhookConnector(IOptions<WebhookOptions> options, WebhookHostResolver resolver)
{
    private readonly bool _allowInsecureUrls = options.Value.AllowInsecureUrls;

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);

        // Any non-public answer refuses the whole name, not just that address: a name that
        // mixes public and private answers is not a merchant's receiver.
        if (!_allowInsecureUrls && addresses.Any(a => !OutboundAddressPolicy.IsPublic(a)))
        {
            throw new DestinationNotAllowedException();
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? failure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                failure = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw failure!;
    }
}
