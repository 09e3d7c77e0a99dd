using System.Net;
using Payments.Ingress.Tests.Outbox;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Security;

/// <summary>A redirect would let an endpoint send our request anywhere, past the address check of its URL.</summary>
[Collection(OutboxTestGroup.Name)]
public sealed class WebhookRedirectTests(OutboxFixture service) : IClassFixture<OutboxFixture>
{
    [Fact]
    public async Task Endpoint_answering_a_redirect_has_a_failed_attempt_and_the_redirect_target_is_never_visited()
    {
        var receiver = service.Receiver;
        var endpointId = await OutboxTruth.RegisterAsync(service.Merchant, receiver, "redirecting");
        receiver.SetAnswer("redirecting", WebhookReceiver.Answer.Redirect);

        using (var charge = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(1300), respondAsync: true))
        {
            Assert.Equal(HttpStatusCode.Accepted, charge.StatusCode);
        }

        await OutboxTruth.WaitUntilAsync(
            async () => await service.Database.ScalarAsync<long>(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts >= 2 AND last_status_code = 307", endpointId) > 0,
            TimeSpan.FromSeconds(30), () => "two attempts answered with a redirect");

        Assert.NotEmpty(receiver.Arrivals("redirecting"));
        Assert.Empty(receiver.Arrivals(WebhookReceiver.RedirectTarget("redirecting")));
        Assert.Equal(0L, await service.Database.ScalarAsync<long>(
            "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'delivered'", endpointId));
        Assert.Equal("http_status", await service.Database.ScalarAsync<string>(
            "SELECT last_error FROM webhook_deliveries WHERE endpoint_id = $1 AND last_status_code = 307 LIMIT 1", endpointId));
        using var deleted = await service.Merchant.DeleteAsync($"/v1/webhook_endpoints/{endpointId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }
}
