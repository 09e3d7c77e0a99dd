using Payments.Ingress.Auth;

namespace Payments.Ingress.RateLimits;

internal static class RateLimitsServiceCollectionExtensions
{
    /// <summary>The per-merchant request budget and the per-address budget of failed authentications.</summary>
    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthFailureOptions>().BindConfiguration(AuthFailureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MerchantRateLimiter>();
        services.AddSingleton<AuthFailureLimiter>();
        return services;
    }
}
