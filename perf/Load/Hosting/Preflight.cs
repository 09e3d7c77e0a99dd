using System.Net;

namespace Payments.Load.Hosting;

/// <summary>Before the first arrival: the service is ready, the key is accepted, the simulator answers.</summary>
internal static class Preflight
{
    public static async Task<string?> CheckAsync(LoadOptions options, HttpClient http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        var ready = false;
        for (var attempt = 0; attempt < 60 && !ready; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(options.ServiceUrl, "/readyz"), cancellationToken);
                ready = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the service may still be starting.
            }

            if (!ready)
            {
                await Task.Delay(500, cancellationToken);
            }
        }

        if (!ready)
        {
            return $"The service at {options.ServiceUrl} did not become ready (GET /readyz) within 30 s.";
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.ServiceUrl, "/v1/charges?limit=1")))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + options.MerchantKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return "The service refused the merchant key (401): pass the key it printed as 'Demo merchant key:'.";
            }

            if (!response.IsSuccessStatusCode)
            {
                return $"GET /v1/charges answered {(int)response.StatusCode}; the run would measure errors only.";
            }
        }

        if (options.SimulatorUrl is not null)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(options.SimulatorUrl, "/_sim/health"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return $"The simulator at {options.SimulatorUrl} answers /_sim/health with {(int)response.StatusCode}.";
                }
            }
            catch (HttpRequestException e)
            {
                return $"The simulator at {options.SimulatorUrl} cannot be reached: {e.Message}";
            }
        }

        return null;
    }
}
