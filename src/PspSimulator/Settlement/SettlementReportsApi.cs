using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PspSimulator.Protocol;

namespace PspSimulator.Settlement;

/// <summary><c>GET /v1/settlement_reports/{yyyy-mm-dd}</c>: a closed day's CSV, 404 before it is closed.</summary>
internal static class SettlementReportsApi
{
    public static RouteGroupBuilder MapSettlementReports(this RouteGroupBuilder v1)
    {
        v1.MapGet("/settlement_reports/{date}", Get).WithName("GetSettlementReport");
        return v1;
    }

    private static Results<ContentHttpResult, StripeResponse> Get(string date, SettlementLedger ledger)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return StripeErrors.InvalidRequest("The date must be yyyy-mm-dd.", "date", "parameter_invalid_string");
        }

        var report = ledger.Report(day);
        return report is null
            ? StripeErrors.ResourceMissing("No settlement report for " + date + " (the day is not closed).", "date")
            : TypedResults.Text(report, "text/csv; charset=utf-8");
    }
}
