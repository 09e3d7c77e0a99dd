using System.Globalization;
using System.Text;

namespace Payments.Load.Arrivals;

/// <summary>
/// The create-charge request of logical request <c>n</c>: always the same key and bytes for the
/// same <c>n</c>, so a retry is byte-for-byte the first request. Amounts vary so that the money
/// check compares real sums; every order id is unique, as a checkout's would be.
/// </summary>
internal sealed class ChargeRequestTemplate(string runId, double declineShare)
{
    public string KeyOf(long request) => string.Create(CultureInfo.InvariantCulture, $"{runId}-r{request}");

    public static long AmountOf(long request) => 1_000 + (request * 7_919 % 9_000);

    public byte[] BodyOf(long request)
    {
        // A fixed fraction of requests, spread evenly, uses the PSP's always-declined test method.
        var declined = declineShare > 0 && (request % 10_000) < declineShare * 10_000;
        var paymentMethod = declined ? "pm_card_chargeDeclined" : "pm_card_visa";
        return Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$$"""{"amount":{{{AmountOf(request)}}},"currency":"USD","payment_method":"{{{paymentMethod}}}","capture":true,"order_id":"{{{KeyOf(request)}}}","metadata":{"load_run":"{{{runId}}}"}}"""));
    }
}
