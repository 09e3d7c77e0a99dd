using System.Buffers;
using System.Globalization;
using System.Text;

namespace Payments.Ingress.Validation;

/// <summary>
/// Finds what looks like a raw card number (invariant 8, contract "stricter input"): 13 to 19
/// decimal digits passing the Luhn check, anywhere in a run of digits.
/// <list type="bullet">
/// <item>A digit is any Unicode decimal digit (category Nd): ASCII, full-width, Arabic-Indic,
/// Devanagari, the mathematical digits outside the BMP (read as a surrogate pair) and so on.
/// Other numerals (superscripts, circled digits, Roman numerals) are not decimal digits.</item>
/// <item>A run goes on across any number of separators: Unicode spaces and line breaks, tabs,
/// dots (ASCII, full-width, ideographic, middle dots, bullets), underscores and other connector
/// punctuation, Unicode dashes and minus signs, and the characters a reader does not see between
/// digits (zero-width spaces and joiners, soft hyphens, combining marks such as the keycap's).
/// Anything else (a letter, a comma, a slash, a colon, a plus sign) ends it.</item>
/// <item>Every window of 13 to 19 consecutive digits of a run is tried, not only whole groups, so
/// a card number inside a longer run is found. The price: about one window in ten passes Luhn by
/// chance, so a run of more than about 20 digits is very likely refused, whatever it means.</item>
/// </list>
/// One pass, at most 7 constant-time Luhn checks per digit (prefix sums, below), no allocation.
/// </summary>
internal static class PanDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    /// <summary>Prefix sums kept for the last <see cref="MaxDigits"/> + 1 positions of a run.</summary>
    private const int Ring = MaxDigits + 1;

    /// <summary>ASCII that can neither start nor continue a run's digits: skipped in bulk outside a run.</summary>
    private static readonly SearchValues<char> AsciiNonDigits = SearchValues.Create(
        [.. Enumerable.Range(0, 128).Where(c => c is < '0' or > '9').Select(c => (char)c)]);

    /// <summary>Separators outside the Unicode categories taken whole: minus signs and dots.</summary>
    private static readonly SearchValues<char> OtherSeparators = SearchValues.Create(
        "\u0085\u00B7\u02D7\u0387\u2022\u2024\u2027\u2043\u207B\u208B\u2212\u2219\u22C5\u2796\u2E31\u3002\u30FB\uFE52\uFF0E\uFF61\uFF65");

    private enum Kind
    {
        Digit,
        Separator,
        Other,
    }

    public static bool ContainsPan(ReadOnlySpan<char> text)
    {
        // Luhn over a window [start, end) doubles the digits at positions of the same parity as
        // end. With S_p(k), the sum of the first k digits of the run where positions of parity p
        // count doubled, a window's Luhn sum is S_p(end) - S_p(start) for p = end % 2: two ring
        // lookups per window length. Sums are kept mod 10, as bytes.
        Span<byte> sums = stackalloc byte[2 * Ring];
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (count == 0)
            {
                var next = text[i..].IndexOfAnyExcept(AsciiNonDigits);
                if (next < 0)
                {
                    return false;
                }

                i += next;
            }

            var kind = Classify(text, ref i, out var digit);
            if (kind == Kind.Other)
            {
                count = 0;
                continue;
            }

            if (kind == Kind.Separator)
            {
                continue;
            }

            if (count == 0)
            {
                sums[0] = 0;
                sums[Ring] = 0;
            }

            var doubled = digit * 2 > 9 ? (digit * 2) - 9 : digit * 2;
            var at = count % Ring;
            var end = count + 1;
            var endAt = end % Ring;
            // Position count is doubled in S_p when count % 2 == p.
            sums[endAt] = (byte)((sums[at] + (count % 2 == 0 ? doubled : digit)) % 10);
            sums[Ring + endAt] = (byte)((sums[Ring + at] + (count % 2 == 1 ? doubled : digit)) % 10);
            count = end;
            if (end >= MinDigits && AnyWindowPasses(sums, end))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyWindowPasses(ReadOnlySpan<byte> sums, int end)
    {
        var parity = (end % 2) * Ring;
        var endSum = sums[parity + (end % Ring)];
        var longest = Math.Min(end, MaxDigits);
        for (var length = MinDigits; length <= longest; length++)
        {
            if (sums[parity + ((end - length) % Ring)] == endSum)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the character (or surrogate pair) at <paramref name="i"/> is; moves past it.</summary>
    private static Kind Classify(ReadOnlySpan<char> text, ref int i, out int digit)
    {
        var c = text[i];
        digit = 0;
        if (char.IsAscii(c))
        {
            i++;
            if (char.IsAsciiDigit(c))
            {
                digit = c - '0';
                return Kind.Digit;
            }

            return c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '.' or '_' or '-' ? Kind.Separator : Kind.Other;
        }

        if (char.IsSurrogate(c))
        {
            // A lone surrogate is no character at all (and refused elsewhere): it ends a run.
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                i++;
                return Kind.Other;
            }

            i += consumed;
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.DecimalDigitNumber)
            {
                digit = (int)Rune.GetNumericValue(rune);
                return Kind.Digit;
            }

            return Separates(category) ? Kind.Separator : Kind.Other;
        }

        i++;
        var bmpCategory = CharUnicodeInfo.GetUnicodeCategory(c);
        if (bmpCategory == UnicodeCategory.DecimalDigitNumber)
        {
            digit = CharUnicodeInfo.GetDecimalDigitValue(c);
            return Kind.Digit;
        }

        return Separates(bmpCategory) || OtherSeparators.Contains(c) ? Kind.Separator : Kind.Other;
    }

    private static bool Separates(UnicodeCategory category) => category is UnicodeCategory.SpaceSeparator
        or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.DashPunctuation
        or UnicodeCategory.ConnectorPunctuation
        or UnicodeCategory.Format
        or UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark
        or UnicodeCategory.EnclosingMark;
}
