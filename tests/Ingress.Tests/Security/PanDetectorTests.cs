using System.Globalization;
using System.Text;
using Payments.Ingress.Validation;

namespace Payments.Ingress.Tests.Security;

/// <summary>
/// The card-number detector on its own (contract "stricter input"): every notation a client can
/// write a card number in, the ordinary values that must still pass, and the fast detector
/// checked against a plain reference (every window, Luhn written out) on random text.
/// </summary>
public sealed class PanDetectorTests
{
    private const string Visa = "4242424242424242";

    public static TheoryData<string, string> HostileNotations() => new()
    {
        { "plain ASCII", Visa },
        { "single spaces", "4242 4242 4242 4242" },
        { "ASCII dashes", "4242-4242-4242-4242" },
        { "dots", "4242.4242.4242.4242" },
        { "underscores", "4242_4242_4242_4242" },
        { "tabs", "4242\t4242\t4242\t4242" },
        { "double spaces", "4242  4242  4242  4242" },
        { "runs of mixed separators", "4242 - 4242 -- 4242 ._ 4242" },
        { "a different separator in every gap", "4242\u00A0\t4242_.4242\u2013 4242" },
        { "line breaks", "4242\n4242\r\n4242\n4242" },
        { "no-break spaces (U+00A0)", "4242\u00A04242\u00A04242\u00A04242" },
        { "narrow no-break spaces (U+202F)", "4242\u202F4242\u202F4242\u202F4242" },
        { "figure spaces (U+2007)", "4242\u20074242\u20074242\u20074242" },
        { "ideographic spaces (U+3000)", "4242\u30004242\u30004242\u30004242" },
        { "en and em dashes (U+2013, U+2014)", "4242\u20134242\u20144242\u20134242" },
        { "hyphen and non-breaking hyphen (U+2010, U+2011)", "4242\u20104242\u20114242\u20104242" },
        { "minus sign (U+2212)", "4242\u22124242\u22124242\u22124242" },
        { "small and full-width dashes (U+FE58, U+FE63, U+FF0D)", "4242\uFE584242\uFE634242\uFF0D4242" },
        { "full-width digits", "４２４２４２４２４２４２４２４２" },
        { "full-width digits, spaces and full stops", "４２４２\u3000４２４２．４２４２\uFF0D４２４２" },
        { "Arabic-Indic digits", "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢" },
        { "Devanagari digits", "४२४२ ४२४२ ४२४२ ४२४२" },
        { "Thai digits", "๔๒๔๒-๔๒๔๒-๔๒๔๒-๔๒๔๒" },
        { "mathematical bold digits (surrogate pairs)", "𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐𝟒𝟐" },
        { "mathematical monospace digits in groups", "𝟺𝟸𝟺𝟸 𝟺𝟸𝟺𝟸 𝟺𝟸𝟺𝟸 𝟺𝟸𝟺𝟸" },
        { "digits of several scripts mixed", "4２٤2 ४2４𝟐 4242 ๔242" },
        { "zero-width spaces between every digit", string.Join('\u200B', Visa.ToCharArray()) },
        { "soft hyphens", "4242\u00AD4242\u00AD4242\u00AD4242" },
        { "keycap emoji", string.Concat(Visa.Select(c => c + "\uFE0F\u20E3")) },
        { "middle dots and bullets", "4242\u00B74242\u20224242\u00B74242" },
        { "full-width low lines", "4242\uFF3F4242\uFF3F4242\uFF3F4242" },
        { "Amex 4-6-5", "3782 822463 10005" },
        { "13 digits", "4222222222222" },
        { "19 digits", "4000000000000000006" },
        { "inside a longer run", "12" + Visa + "345" },
        { "inside a longer grouped run", "7 74242 4242 4242 424298" },
        { "straddling groups", "94242 42424242 42421" },
        { "glued to letters", "ref:" + Visa + "x" },
        { "after 70 short groups in one run (the old limit was 64)", string.Concat(Enumerable.Repeat("1 ", 70)) + "4242 4242 4242 4242" },
        { "after a long run that passes no window", new string('1', 200) + Visa },
    };

    public static TheoryData<string, string> OrdinaryValues() => new()
    {
        { "order id", "ORD-1042" },
        { "payment method token", "pm_card_visa" },
        { "amount", "4999" },
        { "decimal amount", "1,234,567.89" },
        { "ISO date-time", "2026-11-28T10:00:00Z" },
        { "ISO date-time with fractions", "2026-11-28T10:00:00.1234567+01:00" },
        { "date and time with a space", "2026-11-28 10:00:00" },
        { "phone number, 11 digits", "+1 415 555 0133" },
        { "phone number, 12 digits", "+44 20 7946 0958" },
        { "UUID", "123e4567-e89b-12d3-a456-426614174000" },
        { "UUID v4", "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f" },
        { "IPv4 address and port", "192.168.100.200:8080" },
        { "cart id with a date", "c-20261128-0173" },
        { "12 digits that pass Luhn", "4242 4242 4242" },
        { "16 digits, no window of which passes Luhn", "4000 0566 5566 5501" },
        { "card number split by slashes", "28/11/2026 4242/4242" },
        { "customer id", "cus_8f3a21" },
        { "empty", "" },
        { "text without digits", "Two items from the marketplace, gift wrapped." },
        { "a typical charge body", """{"amount": 4999, "currency": "USD", "payment_method": "pm_card_visa", "order_id": "ORD-1042", "metadata": {"cart": "c-20261128-0173", "shipped_at": "2026-11-28T10:00:00Z", "phone": "+1 415 555 0133"}}""" },
        { "a lone surrogate between digit groups", "4242\uD8004242\uD8004242\uDC004242" },
    };

    [Theory]
    [MemberData(nameof(HostileNotations))]
    public void Card_number_in_any_notation_is_found(string notation, string text) =>
        Assert.True(PanDetector.ContainsPan(text), notation);

    [Theory]
    [MemberData(nameof(OrdinaryValues))]
    public void Ordinary_value_is_not_taken_for_a_card_number(string what, string text) =>
        Assert.False(PanDetector.ContainsPan(text), what);

    [Fact]
    public void Long_digit_run_is_refused_as_the_contract_says_when_any_window_passes_luhn()
    {
        // The price of "inside longer digit runs": a 40-digit number in metadata has 28 windows
        // of 13 digits alone, and about one window in ten passes Luhn by chance.
        Assert.True(PanDetector.ContainsPan("1234567890123456789012345678901234567890"));
        Assert.False(PanDetector.ContainsPan(new string('1', 1000)));
    }

    [Fact]
    public void Guids_and_our_object_ids_are_never_taken_for_card_numbers()
    {
        // About 0.7 % of GUIDs hold a Luhn-passing run of 13 or more hex digits that are decimal.
        // Seeded: a GUID whose 32 hex digits happen to be all decimal (about 1 in 10^6) is a digit
        // run like any other and rightly refused; a fixed sample keeps the test from meeting one.
        string[] prefixes = ["ch_", "evt_", "rf_", "we_", "key-", "order-1042-", "4242 4242 "];
        var random = new Random(20261128);
        var bytes = new byte[16];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            var guid = new Guid(bytes);
            var text = (i % 4) switch
            {
                0 => $"{prefixes[i % prefixes.Length]}{guid:N}",
                1 => guid.ToString("D"),
                2 => $"{prefixes[i % prefixes.Length]}{guid.ToString("D").ToUpperInvariant()}",
                _ => $"/v1/charges/ch_{guid:N}/refunds?starting_after=rf_{new Guid([.. bytes.Reverse()]):N}",
            };
            Assert.False(PanDetector.ContainsPan(text), text);
        }

        Assert.False(PanDetector.ContainsPan("ch_4242424242424242abcdefabcdefabcd"));
        Assert.False(PanDetector.ContainsPan("abcd4242-4242-4242-4242-abcdefabcdef"));
    }

    [Theory]
    [InlineData("a card number after a GUID", "ch_4242424242424242abcdefabcdefabcd 4000 0566 5566 5556")]
    [InlineData("a card number before a GUID", "4000 0566 5566 5556 ch_4242424242424242abcdefabcdefabcd")]
    [InlineData("33 hex digits", "ch_4242424242424242abcdefabcdefabcde")]
    [InlineData("31 hex digits", "ch_4242424242424242abcdefabcdefabc")]
    [InlineData("32 decimal digits", "ch_42424242424242420000000000000000")]
    [InlineData("dashes in the wrong places", "4242424-242424242-abcd-abcd-abcdefabcdef")]
    [InlineData("glued to a letter after it", "ch_4242424242424242abcdefabcdefabcdx")]
    [InlineData("glued to a digit before it", "142424242-4242-4242-abcd-abcdefabcdef")]
    public void Card_number_in_what_is_not_quite_a_guid_is_found(string what, string text) =>
        Assert.True(PanDetector.ContainsPan(text), what);

    [Fact]
    public void Detector_agrees_with_a_plain_reference_on_random_text()
    {
        var random = new Random(15);
        string[] digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "５", "٣", "𝟕"];
        string[] separators = [" ", "\t", ".", "_", "-", "\u00A0", "\u2013", "\u200B"];
        string[] others = ["a", ",", "/", ":", "é", "漢"];
        var found = 0;
        for (var sample = 0; sample < 5000; sample++)
        {
            // One sample in five: long runs of mostly ones, in which few windows pass (ones alone
            // pass none), so that runs longer than the detector's history are compared too.
            var sparse = sample % 5 == 0;
            var text = new StringBuilder();
            var length = random.Next(1, sparse ? 400 : 60);
            for (var i = 0; i < length; i++)
            {
                var pick = random.Next(sparse ? 1000 : 100);
                text.Append(
                    sparse ? (pick < 960 ? "1" : pick < 990 ? digits[random.Next(digits.Length)] : pick < 998 ? separators[random.Next(separators.Length)] : others[random.Next(others.Length)])
                    : pick < 75 ? digits[random.Next(digits.Length)] : pick < 95 ? separators[random.Next(separators.Length)] : others[random.Next(others.Length)]);
            }

            var expected = Reference(text.ToString());
            found += expected ? 1 : 0;
            Assert.True(expected == PanDetector.ContainsPan(text.ToString()), $"{expected} expected for \"{text}\"");
        }

        // Both outcomes were exercised.
        Assert.InRange(found, 500, 4500);
    }

    /// <summary>Every window of every run, Luhn written out; the runs split on anything but digits and separators.</summary>
    private static bool Reference(string text)
    {
        var runs = new List<List<int>> { new() };
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var element = char.IsSurrogatePair(text, i) ? text.Substring(i, 2) : text[i].ToString();
            if (CharUnicodeInfo.GetDecimalDigitValue(element, 0) is var value and >= 0)
            {
                runs[^1].Add(value);
            }
            else if (element is not (" " or "\t" or "." or "_" or "-" or "\u00A0" or "\u2013" or "\u200B"))
            {
                runs.Add([]);
            }
        }

        return runs.Any(run => Enumerable.Range(0, run.Count).Any(start =>
            Enumerable.Range(13, 7).Any(length => start + length <= run.Count && Luhn(run.GetRange(start, length)))));
    }

    private static bool Luhn(List<int> digits)
    {
        var sum = 0;
        for (var k = 0; k < digits.Count; k++)
        {
            var d = digits[digits.Count - 1 - k];
            sum += k % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }

        return sum % 10 == 0;
    }
}
