using System.Text.RegularExpressions;

namespace Payments.Pipeline.Merchants;

/// <summary>A PSP bank account token (<c>ba_…</c>), as the payouts table's check has it.</summary>
public static partial class BankAccounts
{
    public static bool IsToken(string? value) => value is not null && Token().IsMatch(value);

    [GeneratedRegex("^ba_[A-Za-z0-9_]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
