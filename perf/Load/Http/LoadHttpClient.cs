using System.Net;

namespace Payments.Load.Http;

/// <summary>The runner's one HttpClient: every request of the run shares its connection pool.</summary>
internal static class LoadHttpClient
{
    public static HttpClient Create(int maxConnections, TimeSpan requestTimeout) => new(new SocketsHttpHandler
    {
        // HTTP/1.1 carries one request per connection at a time, so the pool must be as large
        // as the in-flight count; beyond it requests queue inside the client, and that wait
        // still counts in their latency because it is measured from the scheduled send time.
        MaxConnectionsPerServer = maxConnections,
        // A bounded lifetime lets the pool notice a restarted service instead of reusing dead sockets.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // Nothing between the runner and the service: no proxy from the environment, no cookies.
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = requestTimeout,
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
