using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Hosting;

/// <summary>A service whose share of the open-files budget for clients is 20 connections.</summary>
public sealed class TwentyConnectionsServiceFixture : ServiceFixture
{
    public const int Limit = 20;

    protected override IReadOnlyDictionary<string, string?> ServiceSettings => new Dictionary<string, string?>
    {
        ["Kestrel:Limits:MaxConcurrentConnections"] = Limit.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed class ConnectionLimitTests(TwentyConnectionsServiceFixture service) : IClassFixture<TwentyConnectionsServiceFixture>
{
    private const int Flood = 150;

    [Fact]
    public async Task A_flood_of_connections_beyond_the_limit_is_refused_and_the_service_keeps_charging()
    {
        var address = new Uri(service.ServiceUrl);
        var connections = new List<TcpClient>();
        try
        {
            // Every connection stays open: as a slow client would hold them, and as the runner's
            // pool held 14,000 of them when the descriptors ran out.
            for (var i = 0; i < Flood; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, address.Port);
                connections.Add(client);
            }

            var answers = await Task.WhenAll(connections.Select(AskHealthAsync));

            var served = answers.Count(a => a);
            Assert.True(served <= TwentyConnectionsServiceFixture.Limit, $"{served} of {Flood} connections were served");
            Assert.True(served >= 1, "no connection was served at all");
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }

        // The flood is gone and the service is whole: a new charge goes through to the PSP.
        using var response = await ServiceFixture.PostChargeAsync(service.ClientFor(ServiceFixture.MerchantKey), ChargeBodies.NewKey(), ChargeBodies.Visa(3100));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)(await ServiceFixture.ReadObjectAsync(response))["id"]!;
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
    }

    /// <summary>True when the connection got an HTTP answer; false when it was closed or reset.</summary>
    private static async Task<bool> AskHealthAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            var buffer = new byte[64];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
