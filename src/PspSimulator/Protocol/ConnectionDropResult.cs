using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace PspSimulator.Protocol;

/// <summary>
/// Ends the exchange without an answer: the connection is reset. With <see cref="PartialStatusLine"/>
/// the first bytes of a status line go out before the reset. That matters: .NET's HttpClient silently
/// resends a request whose pooled connection failed before any response byte arrived, which would
/// turn "carried out, then reset" into a second attempt the caller never sees.
/// </summary>
internal sealed class ConnectionDropResult(bool partialStatusLine) : IResult
{
    private static readonly byte[] StatusLinePrefix = "HTTP/1.1 "u8.ToArray();

    public static ConnectionDropResult AfterPartialStatusLine { get; } = new(partialStatusLine: true);

    public static ConnectionDropResult Immediately { get; } = new(partialStatusLine: false);

    public bool PartialStatusLine { get; } = partialStatusLine;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var socket = httpContext.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is not null)
        {
            try
            {
                if (PartialStatusLine)
                {
                    await socket.SendAsync(StatusLinePrefix, SocketFlags.None, httpContext.RequestAborted).ConfigureAwait(false);

                    // Let the peer read those bytes before the reset discards what is still in flight.
                    await Task.Delay(20, httpContext.RequestAborted).ConfigureAwait(false);
                }

                // Linger 0 makes the close a reset (RST), not an orderly end of stream.
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (SocketException)
            {
                // The peer is already gone: nothing left to break.
            }
            catch (ObjectDisposedException)
            {
                // Kestrel already closed the socket.
            }
            catch (OperationCanceledException)
            {
                // The caller gave up first.
            }
        }

        httpContext.Abort();
    }
}
