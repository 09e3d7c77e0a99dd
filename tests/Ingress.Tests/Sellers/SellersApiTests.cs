using System.Net;
using System.Text.Json;
using Payments.Ingress.Tests.Support;

namespace Payments.Ingress.Tests.Sellers;

/// <summary>A merchant's sellers: created once per key with their payable account, read only by their own merchant.</summary>
public sealed class SellersApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Created_seller_has_its_payable_account_and_a_replay_with_the_same_key_returns_the_same_seller()
    {
        var key = ChargeBodies.NewKey();
        var body = Body("Ada's Pottery", "ba_ada_1");

        using var created = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", key, body);
        using var replay = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", key, body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(created.Headers.Contains("Idempotent-Replayed"));
        var seller = await ServiceFixture.ReadObjectAsync(created);
        var id = (string)seller["id"]!;
        Assert.Matches("^sel_[0-9a-f]{32}$", id);
        Assert.Equal("seller", (string?)seller["object"]);
        Assert.Equal("Ada's Pottery", (string?)seller["name"]);
        Assert.Equal("ba_ada_1", (string?)seller["bank_account"]);
        Assert.NotNull((string?)seller["created_at"]);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(seller.ToJsonString(), (await ServiceFixture.ReadObjectAsync(replay)).ToJsonString());
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers WHERE idempotency_key = $1", key));
        Assert.Equal("liability", await service.Database.ScalarAsync<string>(
            "SELECT kind FROM ledger_accounts WHERE id = $1 AND merchant_id = (SELECT merchant_id FROM sellers WHERE id = $2)", "seller_payable:" + id, id));

        using var get = await service.Merchant.GetAsync($"/v1/sellers/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(seller.ToJsonString(), (await ServiceFixture.ReadObjectAsync(get)).ToJsonString());
    }

    [Fact]
    public async Task Concurrent_duplicates_with_one_key_all_get_the_one_seller()
    {
        var key = ChargeBodies.NewKey();
        var body = Body("Raced", "ba_raced");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", key, body)));

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                ids.Add((string)(await ServiceFixture.ReadObjectAsync(response))["id"]!);
            }
        }

        var id = Assert.Single(ids);
        Assert.Equal(7, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers WHERE idempotency_key = $1", key));
        Assert.Equal(1L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts WHERE id = $1", "seller_payable:" + id));
    }

    [Fact]
    public async Task Same_key_with_another_body_is_refused_and_changes_nothing()
    {
        var key = ChargeBodies.NewKey();
        using var first = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", key, Body("First", "ba_first"));
        var sellers = await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers");
        var accounts = await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts");

        using var second = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", key, Body("First", "ba_other"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("idempotency_key_reused", (string?)(await ServiceFixture.ReadObjectAsync(second))["code"]);
        Assert.Equal(sellers, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers"));
        Assert.Equal(accounts, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts"));
        Assert.Equal("ba_first", await service.Database.ScalarAsync<string>("SELECT bank_account FROM sellers WHERE idempotency_key = $1", key));
    }

    [Theory]
    [InlineData("""{"bank_account": "ba_x"}""", "invalid_request", "name")]
    [InlineData("""{"name": "", "bank_account": "ba_x"}""", "invalid_request", "name")]
    [InlineData("""{"name": 7, "bank_account": "ba_x"}""", "invalid_request", "name")]
    [InlineData("""{"name": null, "bank_account": "ba_x"}""", "invalid_request", "name")]
    [InlineData("""{"name": "Shop"}""", "invalid_request", "bank_account")]
    [InlineData("""{"name": "Shop", "bank_account": "acct_1"}""", "invalid_request", "bank_account")]
    [InlineData("""{"name": "Shop", "bank_account": "ba_"}""", "invalid_request", "bank_account")]
    [InlineData("""{"name": "Shop", "bank_account": "ba_x\n"}""", "invalid_request", "bank_account")]
    [InlineData("""{"name": "Shop", "bank_account": "ba_has-dash"}""", "invalid_request", "bank_account")]
    [InlineData("""{"name": "Shop", "bank_account": "ba_x", "email": "a@b.c"}""", "invalid_request", "email")]
    [InlineData("""["Shop"]""", "invalid_request", "$")]
    [InlineData("""{"name": "Shop", "bank_account": "ba_4242424242424242"}""", "pan_not_allowed", null)]
    [InlineData("""{"name": """, "malformed_json", null)]
    public async Task Bad_seller_body_is_refused_with_its_field_named_and_nothing_is_recorded(string body, string code, string? field)
    {
        var sellers = await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers");
        var accounts = await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", ChargeBodies.NewKey(), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServiceFixture.ReadObjectAsync(response);
        Assert.Equal(code, (string?)problem["code"]);
        if (field is not null)
        {
            Assert.NotNull(problem["errors"]![field]);
        }

        Assert.Equal(sellers, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers"));
        Assert.Equal(accounts, await service.Database.ScalarAsync<long>("SELECT count(*) FROM ledger_accounts"));
    }

    [Fact]
    public async Task Name_of_two_hundred_characters_is_taken_and_one_more_is_refused()
    {
        using var longest = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", ChargeBodies.NewKey(), Body(new string('n', 200), "ba_long"));
        using var tooLong = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", ChargeBodies.NewKey(), Body(new string('n', 201), "ba_long"));

        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(0L, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers WHERE length(name) > 200"));
    }

    [Fact]
    public async Task Seller_post_without_idempotency_key_is_refused_and_nothing_is_recorded()
    {
        var before = await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers");

        using var response = await ServiceFixture.PostJsonAsync(service.Merchant, "/v1/sellers", null, Body("Keyless", "ba_keyless"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency_key_missing", (string?)(await ServiceFixture.ReadObjectAsync(response))["code"]);
        Assert.Equal(before, await service.Database.ScalarAsync<long>("SELECT count(*) FROM sellers"));
    }

    [Fact]
    public async Task Another_merchants_seller_is_not_found_and_never_listed()
    {
        var theirs = await CreateAsync(service.OtherMerchant, "Theirs");
        var ours = await CreateAsync(service.Merchant, "Ours");

        using var get = await service.Merchant.GetAsync($"/v1/sellers/{theirs}");
        using var unknown = await service.Merchant.GetAsync("/v1/sellers/sel_unknown");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("not_found", (string?)(await ServiceFixture.ReadObjectAsync(get))["code"]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var listed = await ListAsync(service.Merchant, "?limit=100");
        Assert.Contains(ours, listed);
        Assert.DoesNotContain(theirs, listed);
        Assert.Contains(theirs, await ListAsync(service.OtherMerchant, "?limit=100"));
    }

    [Fact]
    public async Task List_pages_newest_first_and_refuses_a_cursor_that_is_not_its_own()
    {
        using var client = service.ClientFor(ServiceFixture.OtherMerchantKey);
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            made.Add(await CreateAsync(client, $"Pager {i}"));
        }

        using var first = await client.GetAsync("/v1/sellers?limit=2");
        var page = await ServiceFixture.ReadObjectAsync(first);
        var firstIds = page["data"]!.AsArray().Select(s => (string)s!["id"]!).ToList();
        using var second = await client.GetAsync($"/v1/sellers?limit=2&starting_after={firstIds[^1]}");
        var secondIds = (await ServiceFixture.ReadObjectAsync(second))["data"]!.AsArray().Select(s => (string)s!["id"]!).ToList();

        Assert.Equal("list", (string?)page["object"]);
        Assert.True((bool)page["has_more"]!);
        Assert.Equal([made[2], made[1]], firstIds);
        Assert.Equal(made[0], secondIds[0]);

        var ours = await CreateAsync(service.Merchant, "Not a cursor for them");
        foreach (var cursor in new[] { ours, "sel_unknown" })
        {
            using var refused = await client.GetAsync($"/v1/sellers?starting_after={cursor}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await ServiceFixture.ReadObjectAsync(refused);
            Assert.Equal("invalid_request", (string?)problem["code"]);
            Assert.NotNull(problem["errors"]!["starting_after"]);
        }

        using var badLimit = await client.GetAsync("/v1/sellers?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    private static string Body(string name, string bankAccount) => JsonSerializer.Serialize(new { name, bank_account = bankAccount });

    private static async Task<string> CreateAsync(HttpClient client, string name)
    {
        using var created = await ServiceFixture.PostJsonAsync(client, "/v1/sellers", ChargeBodies.NewKey(), Body(name, "ba_test"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (string)(await ServiceFixture.ReadObjectAsync(created))["id"]!;
    }

    private static async Task<List<string>> ListAsync(HttpClient client, string query)
    {
        using var list = await client.GetAsync("/v1/sellers" + query);
        return [.. (await ServiceFixture.ReadObjectAsync(list))["data"]!.AsArray().Select(s => (string)s!["id"]!)];
    }
}
