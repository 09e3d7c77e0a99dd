namespace Payments.Ingress.Validation;

/// <summary>
/// Finds what looks like a raw card number: 13–19 digits, optionally grouped by single spaces
/// or dashes, passing the Luhn check (invariant 8: raw card numbers are refused at the door).
/// Every run of digit groups is examined, and inside it every span of whole groups, so a
/// card number followed by other digits ("4242 4242 4242 4242 12") is still found.
/// </summary>
internal static class PanDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    public static bool ContainsPan(ReadOnlySpan<char> text)
    {
        Span<int> groupStarts = stackalloc int[64];
        Span<int> groupLengths = stackalloc int[64];
        Span<byte> digits = stackalloc byte[MaxDigits];
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            // Collect one run: digit groups joined by single separators.
            var groups = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (groups < groupStarts.Length)
                {
                    groupStarts[groups] = start;
                    groupLengths[groups] = i - start;
                    groups++;
                }

                if (i + 1 < text.Length && text[i] is ' ' or '-' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            for (var first = 0; first < groups; first++)
            {
                var count = 0;
                for (var last = first; last < groups && count < MaxDigits; last++)
                {
                    var take = Math.Min(groupLengths[last], MaxDigits - count);
                    if (take < groupLengths[last])
                    {
                        break;
                    }

                    for (var d = 0; d < take; d++)
                    {
                        digits[count + d] = (byte)(text[groupStarts[last] + d] - '0');
                    }

                    count += take;
                    if (count >= MinDigits && Luhn(digits[..count]))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }
}
