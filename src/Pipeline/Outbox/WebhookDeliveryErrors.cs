using System.Security.Authentication;

namespace Payments.Pipeline.Outbox;

/// <summary>
/// What a failed attempt records as its error, shown to the merchant in the deliveries API. A
/// few fixed categories, never an exception's message: messages quote hosts, addresses and
/// ports, and the difference between "refused" and "timed out" on a private address is what a
/// port scan reads. A status code is recorded only for an answer from an address the policy let
/// the service connect to.
/// </summary>
internal static class WebhookDeliveryErrors
{
    /// <summary>The host is or resolves to an address the policy refuses; nothing was sent.</summary>
    public const string DestinationNotAllowed = "destination_not_allowed";

    public const string NameNotResolved = "name_not_resolved";

    public const string ConnectionFailed = "connection_failed";

    public const string TlsFailed = "tls_failed";

    public const string Timeout = "timeout";

    /// <summary>The endpoint answered with a status other than 2xx (a redirect too: it is not followed).</summary>
    public const string HttpStatus = "http_status";

    /// <summary>The endpoint's signing secret could not be unsealed (unknown key or tampered row); nothing was sent.</summary>
    public const string SecretUnavailable = "secret_unavailable";

    public static string Of(HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case DestinationNotAllowedException:
                    return DestinationNotAllowed;
                case AuthenticationException:
                    return TlsFailed;
            }
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => NameNotResolved,
            HttpRequestError.SecureConnectionError => TlsFailed,
            _ => ConnectionFailed,
        };
    }
}
