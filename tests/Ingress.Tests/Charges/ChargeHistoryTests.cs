using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Charges;

/// <summary>The audit trail: every move with its actor and reason, readable by the merchant, never rewritten.</summary>
public sealed class ChargeHistoryTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task History_lists_every_move_of_the_charge_and_its_refunds_with_actor_and_reason()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(3100));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
        Assert.Equal("captured", (string?)(await service.WaitForFinalAsync(id))["status"]);
        using var refund = await ServiceFixture.PostJsonAsync(service.Merchant, $"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 1000}""");
        Assert.Equal(HttpStatusCode.Created, refund.StatusCode);

        using var response = await service.Merchant.GetAsync($"/v1/charges/{id}/history");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await ServiceFixture.ReadObjectAsync(response);
        var moves = list["data"]!.AsArray().Select(m => (JsonObject)m!).ToList();
        Assert.Equal(["pending", "captured", "refund succeeded"], moves.Select(m => (string?)m["to_status"]));
        Assert.Equal(["api", "pipeline", "pipeline"], moves.Select(m => (string?)m["actor"]));
        Assert.All(moves, m => Assert.False(string.IsNullOrEmpty((string?)m["reason"])));
        Assert.Equal((string?)(await ServiceFixture.ReadObjectAsync(refund))["id"], (string?)moves[2]["refund"]);
        Assert.False((bool)list["has_more"]!);
    }

    [Fact]
    public async Task History_of_another_merchants_charge_is_not_found()
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(3200));
        var id = (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;

        using var response = await service.OtherMerchant.GetAsync($"/v1/charges/{id}/history");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
    }

    [Theory]
    [InlineData("UPDATE charge_events SET reason = 'rewritten'")]
    [InlineData("DELETE FROM charge_events")]
    [InlineData("TRUNCATE charge_events")]
    public async Task Rewriting_the_audit_trail_is_refused_by_the_database(string statement)
    {
        using var created = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(3300));
        var before = await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_events");

        var error = await Assert.ThrowsAsync<PostgresException>(() => service.Database.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.RestrictViolation, error.SqlState);
        Assert.Equal(before, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_events"));
    }
}
