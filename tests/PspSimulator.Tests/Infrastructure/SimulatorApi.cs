using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace PspSimulator.Tests.Infrastructure;

/// <summary>A client of the simulator that talks the contract: bearer key, form bodies, JSON answers.</summary>
public sealed class SimulatorApi : IDisposable
{
    private readonly HttpClient _http;

    public SimulatorApi(Uri baseAddress, string apiKey = "sk_test_sim", TimeSpan? timeout = null)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static string NewChargeId() => "ch_" + Guid.NewGuid().ToString("N");

    public static string NewKey() => "key_" + Guid.NewGuid().ToString("N");

    public Task<ApiAnswer> PostAsync(string path, string? idempotencyKey, params (string Name, string Value)[] form) =>
        SendAsync(HttpMethod.Post, path, idempotencyKey, form);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, string? idempotencyKey, (string Name, string Value)[] form)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Name, p.Value)));
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
        return new ApiAnswer(response.StatusCode, body, replayed);
    }

    public async Task<ApiAnswer> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), false);
    }

    /// <summary>Creates a confirmed PaymentIntent with the service's metadata.</summary>
    public Task<ApiAnswer> CreateAsync(
        string chargeId,
        string key,
        long amount = 4999,
        string paymentMethod = "pm_card_visa",
        string captureMethod = "automatic",
        string currency = "usd") =>
        PostAsync(
            "/v1/payment_intents",
            key,
            ("amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("currency", currency),
            ("payment_method", paymentMethod),
            ("confirm", "true"),
            ("capture_method", captureMethod),
            ("metadata[charge_id]", chargeId),
            ("metadata[merchant_id]", "m_test"));

    public async Task<JsonNode> TruthAsync(string? chargeId = null)
    {
        var path = chargeId is null ? "/_sim/truth" : "/_sim/truth?charge_id=" + Uri.EscapeDataString(chargeId);
        var answer = await GetAsync(path);
        return answer.Json;
    }

    public async Task SetFaultsAsync(string planJson)
    {
        var answer = await PutFaultsAsync(planJson);
        Assert.True(answer.Status == System.Net.HttpStatusCode.OK, "PUT /_sim/faults failed: " + answer.Body);
    }

    /// <summary>PUT /_sim/faults, whatever it answers.</summary>
    public async Task<ApiAnswer> PutFaultsAsync(string planJson)
    {
        using var content = new StringContent(planJson, Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), content);
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), false);
    }

    public Task ClearFaultsAsync() => SetFaultsAsync("{}");

    public async Task<JsonNode> PostControlAsync(string path, string? json = null)
    {
        var answer = await SendControlAsync(path, json);
        Assert.True((int)answer.Status is >= 200 and < 300, "POST " + path + " failed: " + answer.Body);
        return answer.Json;
    }

    /// <summary>POST to the control surface, whatever it answers.</summary>
    public async Task<ApiAnswer> SendControlAsync(string path, string? json = null)
    {
        using var content = new StringContent(json ?? string.Empty, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), false);
    }

    /// <summary>Opens a dispute through <c>POST /_sim/disputes</c>, whatever it answers.</summary>
    public Task<ApiAnswer> OpenDisputeAsync(string paymentIntent, long? amount = null, string? reason = null)
    {
        var body = new JsonObject { ["payment_intent"] = paymentIntent };
        if (amount is not null)
        {
            body["amount"] = amount;
        }

        if (reason is not null)
        {
            body["reason"] = reason;
        }

        return SendControlAsync("/_sim/disputes", body.ToJsonString());
    }

    /// <summary>The newest events (up to 100), newest first, as <c>GET /v1/events</c> lists them.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsAsync()
    {
        var answer = await GetAsync("/v1/events?limit=100");
        Assert.True(answer.Status == System.Net.HttpStatusCode.OK, "GET /v1/events failed: " + answer.Body);
        return answer.Json["data"]!.AsArray().Select(e => e!).ToList();
    }

    /// <summary>The newest events of one object, newest first.</summary>
    public async Task<IReadOnlyList<JsonNode>> EventsOfAsync(string objectId) =>
        (await EventsAsync()).Where(e => e["data"]!["object"]!["id"]!.GetValue<string>() == objectId).ToList();

    /// <summary>Moves the simulator clock forward.</summary>
    public Task<JsonNode> AdvanceClockAsync(TimeSpan by) =>
        PostControlAsync("/_sim/clock/advance?seconds=" + by.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _http.Dispose();
}
