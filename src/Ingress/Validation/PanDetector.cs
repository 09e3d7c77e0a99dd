using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
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
/// <item>A GUID (32 hex digits, or 8-4-4-4-12 with dashes) is one opaque word, neither a card
/// number nor part of a run: our object ids are a prefix and a GUID (<c>ch_…</c>), and clients'
/// Idempotency-Keys and order ids are often GUIDs. About 0.7 % of GUIDs hold a Luhn-passing run of
/// 13 or more decimal digits; without this, that share of charges could not be read through their
/// own path, and that share of keys would be refused.</item>
/// </list>
/// One pass, one 8-byte comparison per digit (prefix sums, below), no allocation; text between
/// runs, ASCII or not, is skipped with a vectorized search.
/// </summary>
internal static class PanDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    /// <summary>A run's prefix sums, linear; the last <see cref="Kept"/> move to the front when it is full.</summary>
    private const int History = 64;

    /// <summary>The prefix sums a window can start at: the last <see cref="MaxDigits"/> + 1.</summary>
    private const int Kept = MaxDigits + 1;

    /// <summary>A prefix sum before the run's start: equal to no sum (they are 0 to 9).</summary>
    private const byte NoSum = 0xFF;

    /// <summary>One bit per window length, 19 down to 13 from the lowest byte (the eighth byte, length 12, left out).</summary>
    private const ulong WindowBits = 0x0080808080808080;

    private const int GuidHexDigits = 32;
    private const int GuidWithDashes = 36;

    /// <summary>What a character is when it is no digit: it continues a run, or it ends it.</summary>
    private const int Separator = -1;
    private const int Other = -2;

    /// <summary>
    /// Where a run can start: a decimal digit of the BMP, or a high surrogate (digits beyond the BMP
    /// are pairs). Outside a run, everything else is skipped in bulk, ASCII and non-ASCII text alike.
    /// </summary>
    private static readonly SearchValues<char> RunStarts = SearchValues.Create(
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.IsDigit(c) || char.IsHighSurrogate(c))]);

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Separators outside the Unicode categories taken whole: minus signs and dots.</summary>
    private static readonly SearchValues<char> OtherSeparators = SearchValues.Create(
        "\u0085\u00B7\u02D7\u0387\u2022\u2024\u2027\u2043\u207B\u208B\u2212\u2219\u22C5\u2796\u2E31\u3002\u30FB\uFE52\uFF0E\uFF61\uFF65");

    /// <summary>A digit's Luhn contribution when doubled.</summary>
    private static ReadOnlySpan<byte> Doubled => [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

    public static bool ContainsPan(ReadOnlySpan<char> text)
    {
        // Luhn over a window [start, end) of a run doubles the digits at positions of the same
        // parity as end. With S_p(k), the sum mod 10 of the run's first k digits where positions
        // of parity p count doubled, a window passes when S_p(end) == S_p(start) for p = end % 2.
        // The 7 candidate starts (lengths 19 to 13) are 7 adjacent bytes of the history: one
        // 8-byte load, compared with S_p(end) in every byte at once.
        Span<byte> even = stackalloc byte[History];
        Span<byte> odd = stackalloc byte[History];
        // Where each digit is in the text, to tell a window that touches a GUID.
        Span<int> positions = stackalloc int[History];
        var count = 0;
        var zero = 0;
        var i = text.IndexOfAny(RunStarts);
        if (i < 0)
        {
            return false;
        }

        while (i < text.Length)
        {
            var at = i;
            var c = text[i];
            var digit = c - '0';
            if ((uint)digit <= 9)
            {
                i++;
            }
            else if (char.IsAscii(c))
            {
                i++;
                digit = c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '.' or '_' or '-' ? Separator : Other;
            }
            else
            {
                digit = ClassifyNonAscii(text, ref i);
            }

            if (digit == Separator)
            {
                continue;
            }

            if (digit == Other)
            {
                count = 0;
                var next = text[i..].IndexOfAny(RunStarts);
                if (next < 0)
                {
                    return false;
                }

                i += next;
                continue;
            }

            // S(k) is at zero + k; before the run's start, NoSum.
            if (count == 0)
            {
                even[..Kept].Fill(NoSum);
                odd[..Kept].Fill(NoSum);
                zero = Kept;
                even[zero] = 0;
                odd[zero] = 0;
            }

            var current = zero + count;
            if (current == History - 1)
            {
                even[(current - MaxDigits)..].CopyTo(even);
                odd[(current - MaxDigits)..].CopyTo(odd);
                positions[(current - MaxDigits)..].CopyTo(positions);
                zero -= current - MaxDigits;
                current = MaxDigits;
            }

            // The digit at position count of the run counts doubled in S_p when count % 2 == p.
            var twice = Doubled[digit];
            even[current + 1] = Add(even[current], (count & 1) == 0 ? twice : digit);
            odd[current + 1] = Add(odd[current], (count & 1) == 0 ? digit : twice);
            positions[current] = at;
            count++;
            if (count < MinDigits)
            {
                continue;
            }

            // Bytes current - 18 to current - 12 hold S(start) for the lengths 19 to 13.
            var sums = (count & 1) == 0 ? even : odd;
            var differences = BinaryPrimitives.ReadUInt64LittleEndian(sums[(current - MaxDigits + 1)..]) ^ (sums[current + 1] * 0x0101010101010101UL);
            // A zero byte is an equal sum. The lowest flagged byte is exact (a borrow only flags bytes above a zero).
            var passed = (differences - 0x0101010101010101UL) & ~differences & WindowBits;
            if (passed == 0)
            {
                continue;
            }

            // A window passed: a card number, unless it touches a GUID (windows wholly before the
            // GUID were tried already). The scan goes on after the GUID, as a new run.
            var length = MaxDigits - (BitOperations.TrailingZeroCount(passed) / 8);
            var guidEnd = GuidEnd(text, at);
            if (guidEnd < 0)
            {
                guidEnd = GuidEnd(text, positions[zero + count - length]);
            }

            if (guidEnd < 0)
            {
                return true;
            }

            count = 0;
            i = guidEnd;
        }

        return false;
    }

    private static byte Add(byte sum, int value)
    {
        var total = sum + value;
        return (byte)(total >= 10 ? total - 10 : total);
    }

    /// <summary>
    /// Where the GUID holding the character at <paramref name="at"/> ends, or -1: 32 hex digits,
    /// or 8-4-4-4-12 with dashes, either case, at least one a letter, with no ASCII letter or digit
    /// on either side (an underscore before it is fine, as in <c>ch_…</c>). At most 36 starts are
    /// tried, most dismissed by the character before them.
    /// </summary>
    private static int GuidEnd(ReadOnlySpan<char> text, int at)
    {
        for (var start = at; start >= 0 && at - start < GuidWithDashes; start--)
        {
            if (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
            {
                continue;
            }

            var end = start + GuidHexDigits;
            if (end > at && end <= text.Length && !text[start..end].ContainsAnyExcept(Hex) && HasLetter(text[start..end]) && EndsWord(text, end))
            {
                return end;
            }

            end = start + GuidWithDashes;
            if (end <= text.Length && EndsWord(text, end) && IsDashedGuid(text[start..end]) && HasLetter(text[start..end]))
            {
                return end;
            }
        }

        return -1;
    }

    private static bool IsDashedGuid(ReadOnlySpan<char> guid) =>
        guid[8] == '-' && guid[13] == '-' && guid[18] == '-' && guid[23] == '-'
        && !guid[..8].ContainsAnyExcept(Hex) && !guid[9..13].ContainsAnyExcept(Hex) && !guid[14..18].ContainsAnyExcept(Hex)
        && !guid[19..23].ContainsAnyExcept(Hex) && !guid[24..].ContainsAnyExcept(Hex);

    /// <summary>
    /// Digits alone are a number, not a GUID, and a run goes through them; this also means a run
    /// never holds a GUID, so the scan goes back over a stretch at most once per GUID.
    /// </summary>
    private static bool HasLetter(ReadOnlySpan<char> hex) => hex.ContainsAnyInRange('a', 'f') || hex.ContainsAnyInRange('A', 'F');

    private static bool EndsWord(ReadOnlySpan<char> text, int end) => end == text.Length || !char.IsAsciiLetterOrDigit(text[end]);

    /// <summary>
    /// The digit's value, <see cref="Separator"/> or <see cref="Other"/>, of the non-ASCII
    /// character (or surrogate pair) at <paramref name="i"/>; moves past it.
    /// </summary>
    private static int ClassifyNonAscii(ReadOnlySpan<char> text, ref int i)
    {
        var c = text[i];
        if (char.IsSurrogate(c))
        {
            // A lone surrogate is no character at all (and refused elsewhere): it ends a run.
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                i++;
                return Other;
            }

            i += consumed;
            var category = Rune.GetUnicodeCategory(rune);
            if (category == UnicodeCategory.DecimalDigitNumber)
            {
                return (int)Rune.GetNumericValue(rune);
            }

            return Separates(category) ? Separator : Other;
        }

        i++;
        var bmpCategory = CharUnicodeInfo.GetUnicodeCategory(c);
        if (bmpCategory == UnicodeCategory.DecimalDigitNumber)
        {
            return CharUnicodeInfo.GetDecimalDigitValue(c);
        }

        if (Separates(bmpCategory))
        {
            return Separator;
        }

        // Letters (most of non-ASCII text) end a run without a look at the list.
        var mayBeListed = bmpCategory is UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol
            or UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.Control;
        return mayBeListed && OtherSeparators.Contains(c) ? Separator : Other;
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
