using System.Security.Cryptography;
using System.Text;
using Payments.Pipeline.Outbox;

namespace Payments.Pipeline.Tests.Outbox;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void Signature_is_hex_hmac_sha256_of_time_dot_body_keyed_with_the_whole_secret()
    {
        const string Secret = "whsec_0123456789abcdef";
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1","object":"event"}""");

        var header = WebhookSignature.Compute(Secret, 1_700_000_000, body);

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1700000000." + Encoding.UTF8.GetString(body))));
        Assert.Equal($"t=1700000000,v1={expected}", header);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(10, 5_000)]
    [InlineData(1_000, 5_000)]
    public void Backoff_doubles_per_attempt_up_to_the_cap_with_jitter_down_to_half(int failedAttempts, int ceilingMs)
    {
        for (var i = 0; i < 200; i++)
        {
            var delay = DeliveryBackoff.After(failedAttempts, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

            Assert.InRange(delay.TotalMilliseconds, ceilingMs / 2.0, ceilingMs);
        }
    }
}
