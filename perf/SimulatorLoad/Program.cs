using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SimulatorLoad;

// A bounded load run against a PSP simulator already listening on a loopback address.
var options = LoadOptions.Parse(args);
using var runner = new LoadRunner(options);

var plan = string.Create(CultureInfo.InvariantCulture, $$"""{ "latency_ms": { "min": {{options.LatencyMinMs}}, "max": {{options.LatencyMaxMs}} } }""");
using (var content = new StringContent(plan, Encoding.UTF8, "application/json"))
using (var response = await runner.Http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), content))
{
    response.EnsureSuccessStatusCode();
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sending {options.Rate}/s for {options.DurationSeconds} s at {options.LatencyMinMs}-{options.LatencyMaxMs} ms latency to {options.Url}"));
var sendingTime = await runner.RunAsync();
var stats = JsonNode.Parse(await runner.Http.GetStringAsync(new Uri("/_sim/stats?gc=true", UriKind.Relative)))!;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started            {runner.Started} requests in {sendingTime.TotalSeconds:F2} s = {runner.Started / sendingTime.TotalSeconds:F0}/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"completed          {runner.Latencies.Count}"));
foreach (var (outcome, count) in runner.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {outcome,-40} {count}"));
}

Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"latency ms         p50 {runner.Latencies.Percentile(0.50)}  p90 {runner.Latencies.Percentile(0.90)}  p99 {runner.Latencies.Percentile(0.99)}  p99.9 {runner.Latencies.Percentile(0.999)}  max {runner.Latencies.Max()}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max in flight      client {runner.MaxInFlight}, simulator {stats["max_requests_in_flight"]}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulator holds    {stats["payment_intents"]} intents, {stats["idempotency_keys"]} keys, {stats["events"]} events, {stats["movements"]} movements"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulator memory   managed heap {stats["managed_heap_bytes"]!.GetValue<long>() / 1048576} MiB, working set {stats["working_set_bytes"]!.GetValue<long>() / 1048576} MiB"));

// Memory is bounded by pruning: move the simulator clock past every retention and measure again.
using (var advance = await runner.Http.PostAsync(new Uri("/_sim/clock/advance?seconds=" + (73 * 3600).ToString(CultureInfo.InvariantCulture), UriKind.Relative), null))
{
    advance.EnsureSuccessStatusCode();
}

var pruned = JsonNode.Parse(await runner.Http.GetStringAsync(new Uri("/_sim/stats?gc=true", UriKind.Relative)))!;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after 73 h (clock) {pruned["payment_intents"]} intents, {pruned["idempotency_keys"]} keys, {pruned["events"]} events; managed heap {pruned["managed_heap_bytes"]!.GetValue<long>() / 1048576} MiB, working set {pruned["working_set_bytes"]!.GetValue<long>() / 1048576} MiB"));

using (var clear = new StringContent("{}", Encoding.UTF8, "application/json"))
using (var response = await runner.Http.PutAsync(new Uri("/_sim/faults", UriKind.Relative), clear))
{
    response.EnsureSuccessStatusCode();
}

var ownErrors = runner.Outcomes.Where(o => o.Key != "200").Sum(o => o.Value);
return ownErrors == 0 ? 0 : 1;
