using System.Net;
using System.Text.Json.Nodes;
using Payments.Ingress.Tests.Support;
using Payments.Testing;

namespace Payments.Ingress.Tests.Charges;

/// <summary>Authorize then capture, void and partial refunds, each exactly once, checked against the PSP's truth and the ledger.</summary>
public sealed class CaptureVoidRefundTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await service.ClearFaultsAsync();
        await service.AssertLedgerBalancedAsync();
        await AssertMerchantPayableAsync();
    }

    [Fact]
    public async Task Authorize_5000_then_capture_4000_captures_4000_once_with_its_journal()
    {
        var id = await AuthorizeAsync(5000);

        using var capture = await PostAsync($"/v1/charges/{id}/capture", ChargeBodies.NewKey(), """{"amount": 4000}""");

        Assert.Equal(HttpStatusCode.OK, capture.StatusCode);
        var charge = await ServiceFixture.ReadObjectAsync(capture);
        Assert.Equal("captured", (string?)charge["status"]);
        Assert.Equal(5000, (long)charge["amount_authorized"]!);
        Assert.Equal(4000, (long)charge["amount_captured"]!);
        var truth = await service.TruthAsync(id);
        var captures = truth["movements"]!.AsArray().Where(m => (string?)m!["kind"] == "capture").ToList();
        Assert.Single(captures);
        Assert.Equal(4000, (long)captures[0]!["amount"]!);
        Assert.Equal(4000, await service.LedgerCapturedAsync(id));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.authorized"));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.captured"));
    }

    [Fact]
    public async Task Authorization_alone_moves_no_money_and_void_releases_it()
    {
        var id = await AuthorizeAsync(3000);

        using var @void = await PostAsync($"/v1/charges/{id}/void", ChargeBodies.NewKey(), "");

        Assert.Equal(HttpStatusCode.OK, @void.StatusCode);
        Assert.Equal("voided", (string?)(await ServiceFixture.ReadObjectAsync(@void))["status"]);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", id));
        Assert.Equal("canceled", (string?)(await service.TruthAsync(id))["payment_intents"]![0]!["status"]);
        Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        Assert.Equal(1, await service.OutboxCountAsync(id, "charge.voided"));
    }

    [Fact]
    public async Task Capture_and_void_raced_ten_times_each_only_one_happens()
    {
        var id = await AuthorizeAsync(2500);

        var requests = Enumerable.Range(0, 10).SelectMany(_ => new[]
        {
            PostAsync($"/v1/charges/{id}/capture", ChargeBodies.NewKey(), ""),
            PostAsync($"/v1/charges/{id}/void", ChargeBodies.NewKey(), ""),
        });
        var responses = await Task.WhenAll(requests);

        var succeeded = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, succeeded);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("invalid_state", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
        }

        var charge = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}"));
        var pi = (await service.TruthAsync(id))["payment_intents"]![0]!;
        if ((string?)charge["status"] == "captured")
        {
            Assert.Equal("succeeded", (string?)pi["status"]);
            Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        }
        else
        {
            Assert.Equal("voided", (string?)charge["status"]);
            Assert.Equal("canceled", (string?)pi["status"]);
            Assert.Equal(0, await service.MovementsAsync(id, "capture"));
        }

        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM charge_operations WHERE charge_id = $1 AND status = 'succeeded'", id));
    }

    [Fact]
    public async Task Three_concurrent_refunds_of_2000_on_5000_two_succeed_one_exceeds()
    {
        var id = await CaptureAsync(5000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 2000}""")));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("refund_exceeds_captured", (string?)(await ServiceFixture.ReadObjectAsync(refused))["code"]);
        var truth = await service.TruthAsync(id);
        Assert.Equal(4000, truth["refunds"]!.AsArray().Where(r => (string?)r!["status"] == "succeeded").Sum(r => (long)r!["amount"]!));
        Assert.Equal(2, truth["movements"]!.AsArray().Count(m => (string?)m!["kind"] == "refund"));
        var charge = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}"));
        Assert.Equal(4000, (long)charge["amount_refunded"]!);
        var listed = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}/refunds"));
        Assert.Equal(2, listed["data"]!.AsArray().Count);
        Assert.Equal(2, await service.OutboxCountAsync(id, "refund.succeeded"));
    }

    [Fact]
    public async Task Refund_whose_psp_call_times_out_and_runs_late_ends_succeeded_with_one_refund()
    {
        var id = await CaptureAsync(3000);
        await service.SetFaultsAsync(new { timeout = new { rate = 1.0, hold_ms = 2500, execute = true, operations = new[] { "refund" }, max_count = 1 } });

        using var response = await PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 1000}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var refund = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("pending", (string?)refund["status"]);
        var refundId = (string)refund["id"]!;
        var final = await WaitForRefundAsync(refundId, "succeeded");
        Assert.Equal(1000, (long)final["amount"]!);
        var truth = await service.TruthAsync(id);
        Assert.Single(truth["refunds"]!.AsArray());
        Assert.Single(truth["movements"]!.AsArray(), m => (string?)m!["kind"] == "refund");
        Assert.Equal(1000, (long)(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}")))["amount_refunded"]!);
    }

    [Fact]
    public async Task New_refund_while_the_previous_one_is_unknown_answers_operation_in_progress_and_sends_nothing()
    {
        var id = await CaptureAsync(3000);
        await service.SetFaultsAsync(new { timeout = new { rate = 1.0, hold_ms = 6000, execute = true, operations = new[] { "refund" }, max_count = 1 } });
        using var first = await PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 1000}""");
        var firstId = (string)(await ServiceFixture.ReadObjectAsync(first))["id"]!;

        using var second = await PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 500}""");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("operation_in_progress", (string?)(await ServiceFixture.ReadObjectAsync(second))["code"]);
        Assert.True(second.Headers.RetryAfter is not null);
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM refunds WHERE charge_id = $1", id));
        await WaitForRefundAsync(firstId, "succeeded");
        Assert.Single((await service.TruthAsync(id))["refunds"]!.AsArray());
    }

    [Fact]
    public async Task Replays_return_the_same_object_and_a_key_reused_with_another_amount_is_refused()
    {
        var id = await AuthorizeAsync(6000);
        var captureKey = ChargeBodies.NewKey();
        using var capture = await PostAsync($"/v1/charges/{id}/capture", captureKey, """{"amount": 5000}""");
        var captured = await ServiceFixture.ReadObjectAsync(capture);
        var refundKey = ChargeBodies.NewKey();
        using var refund = await PostAsync($"/v1/charges/{id}/refunds", refundKey, """{"amount": 700, "reason": "duplicate"}""");
        var refunded = await ServiceFixture.ReadObjectAsync(refund);

        using var captureReplay = await PostAsync($"/v1/charges/{id}/capture", captureKey, """{ "amount":5000 }""");
        using var refundReplay = await PostAsync($"/v1/charges/{id}/refunds", refundKey, """{"reason": "duplicate", "amount": 700}""");
        using var captureReused = await PostAsync($"/v1/charges/{id}/capture", captureKey, """{"amount": 4000}""");
        using var refundReused = await PostAsync($"/v1/charges/{id}/refunds", refundKey, """{"amount": 701, "reason": "duplicate"}""");

        Assert.Equal(HttpStatusCode.OK, captureReplay.StatusCode);
        Assert.Equal("true", captureReplay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((string?)captured["id"], (string?)(await ServiceFixture.ReadObjectAsync(captureReplay))["id"]);
        Assert.Equal(HttpStatusCode.Created, refundReplay.StatusCode);
        Assert.Equal("true", refundReplay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal((string?)refunded["id"], (string?)(await ServiceFixture.ReadObjectAsync(refundReplay))["id"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, captureReused.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(captureReused))["code"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refundReused.StatusCode);
        Assert.Equal(1, await service.MovementsAsync(id, "capture"));
        Assert.Single((await service.TruthAsync(id))["refunds"]!.AsArray());
        var read = await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/refunds/{refunded["id"]}"));
        Assert.Equal(700, (long)read["amount"]!);
        Assert.Equal("duplicate", (string?)read["reason"]);
    }

    [Fact]
    public async Task Capture_above_authorized_and_operations_in_the_wrong_state_are_refused()
    {
        var authorized = await AuthorizeAsync(1000);
        var captured = await CaptureAsync(1000);

        using var tooMuch = await PostAsync($"/v1/charges/{authorized}/capture", ChargeBodies.NewKey(), """{"amount": 1001}""");
        using var refundUncaptured = await PostAsync($"/v1/charges/{authorized}/refunds", ChargeBodies.NewKey(), "");
        using var voidCaptured = await PostAsync($"/v1/charges/{captured}/void", ChargeBodies.NewKey(), "");
        using var otherMerchant = await ServiceFixture.PostJsonAsync(service.OtherMerchant, $"/v1/charges/{captured}/refunds", ChargeBodies.NewKey(), "{}");

        Assert.Equal("amount_exceeds_capturable", (string?)(await ServiceFixture.ReadObjectAsync(tooMuch))["code"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.StatusCode);
        Assert.Equal("invalid_state", (string?)(await ServiceFixture.ReadObjectAsync(refundUncaptured))["code"]);
        Assert.Equal("invalid_state", (string?)(await ServiceFixture.ReadObjectAsync(voidCaptured))["code"]);
        Assert.Equal(HttpStatusCode.NotFound, otherMerchant.StatusCode);
        Assert.Equal(0, await service.MovementsAsync(authorized, "capture"));
    }

    [Fact]
    public async Task Full_refund_without_an_amount_refunds_what_is_left()
    {
        var id = await CaptureAsync(2000);
        using var part = await PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), """{"amount": 500}""");

        using var rest = await PostAsync($"/v1/charges/{id}/refunds", ChargeBodies.NewKey(), "");

        Assert.Equal(HttpStatusCode.Created, rest.StatusCode);
        Assert.Equal(1500, (long)(await ServiceFixture.ReadObjectAsync(rest))["amount"]!);
        Assert.Equal(2000, (long)(await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/charges/{id}")))["amount_refunded"]!);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string key, string json) =>
        ServiceFixture.PostJsonAsync(service.Merchant, path, key, json);

    private async Task<string> AuthorizeAsync(long amount)
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount, capture: false));
        var charge = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("authorized", (string?)charge["status"]);
        Assert.Equal(amount, (long)charge["amount_authorized"]!);
        Assert.Equal(0, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_journals WHERE charge_id = $1", (string)charge["id"]!));
        return (string)charge["id"]!;
    }

    private async Task<string> CaptureAsync(long amount)
    {
        using var response = await ServiceFixture.PostChargeAsync(service.Merchant, ChargeBodies.NewKey(), ChargeBodies.Visa(amount));
        var charge = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal("captured", (string?)charge["status"]);
        return (string)charge["id"]!;
    }

    private Task<JsonObject> WaitForRefundAsync(string refundId, string status) =>
        Poll.UntilAsync(
            async () => await ServiceFixture.ReadObjectAsync(await service.Merchant.GetAsync($"/v1/refunds/{refundId}")),
            refund => (string?)refund["status"] == status,
            refund => $"refund {refundId} is {refund["status"]}, not {status}");

    /// <summary>The merchant's payable equals what was captured, minus refunds, minus the platform's fees (kept on refunds).</summary>
    private async Task AssertMerchantPayableAsync()
    {
        var payable = -await service.Database.ScalarAsync<long>(
            "SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries WHERE account_id = 'merchant_payable:mch_demo'");
        await using var command = service.Database.DataSource.CreateCommand(
            "SELECT amount_captured, amount_refunded FROM charges WHERE merchant_id = 'mch_demo' AND amount_captured > 0");
        await using var reader = await command.ExecuteReaderAsync();
        long expected = 0;
        while (await reader.ReadAsync())
        {
            var captured = reader.GetInt64(0);
            var fee = Math.Min(captured, (((captured * 250) + 5_000) / 10_000) + 10);
            expected += captured - reader.GetInt64(1) - fee;
        }

        Assert.Equal(expected, payable);
    }
}
