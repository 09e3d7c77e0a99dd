using System.Globalization;
using System.Net.Http.Json;

namespace Payments.Load.Verification;

/// <summary>
/// Reads the run's charges back from the service through <c>GET /v1/charges</c>, newest first,
/// 100 a page: a few thousand requests instead of one GET per charge. A charge belongs to the
/// run by its <c>metadata.load_run</c>, so charges of other runs of the same merchant are ignored
/// and charges whose answer the runner never saw (a timeout) still count.
/// </summary>
internal sealed class ServiceCharges(LoadOptions options, HttpClient http)
{
    private const int PageSize = 100;

    // The database's clock and ours are the same machine's; the margin only covers rounding.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    public async Task<Dictionary<string, ChargeDto>> ListRunAsync(DateTimeOffset runStarted, string? status, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, ChargeDto>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"/v1/charges?limit={PageSize}")
                + (status is null ? "" : "&status=" + status)
                + (after is null ? "" : "&starting_after=" + Uri.EscapeDataString(after));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.ServiceUrl, query));
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + options.MerchantKey);
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync(VerificationJsonContext.Default.ChargeListDto, cancellationToken)
                ?? throw new InvalidOperationException("An empty charge list page.");
            foreach (var charge in page.Data)
            {
                if (charge.Metadata.TryGetValue("load_run", out var run) && run == options.RunId)
                {
                    found[charge.Id] = charge;
                }
            }

            if (!page.HasMore || page.Data.Count == 0 || page.Data[^1].CreatedAt < runStarted - Margin)
            {
                return found;
            }

            after = page.Data[^1].Id;
        }
    }
}
